# distutils: language = c++
cdef class A nogil:
    pass
cdef class B nogil:
    pass
cdef class C(A, B) nogil:
    pass

_ERRORS = """
6:16: nogil class 'C' may have only one base class
"""
