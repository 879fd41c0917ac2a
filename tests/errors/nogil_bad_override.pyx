# distutils: language = c++
cdef class A nogil:
    cdef int f(self, int k):
        return k

cdef class B(A) nogil:
    cdef double f(self, int k):
        return k

_ERRORS = """
7:4: method 'f' of nogil class 'B' overrides 'A.f' with an incompatible signature
"""
