# distutils: language = c++
cdef class A nogil:
    cpdef int x
    cdef public int f(self):
        return 1
    cdef int g(self)
    @property
    cdef int h(self):
        return 1

_ERRORS = """
3:4: 'cpdef' is only for methods
4:4: 'public' is only for fields
7:4: nogil classes take no decorators but @staticmethod on a 'cdef' method
"""
