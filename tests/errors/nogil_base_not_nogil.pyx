# distutils: language = c++
cdef class Plain:
    pass

cdef class A(Plain) nogil:
    pass

cdef struct S:
    int x

cdef class B(S) nogil:
    pass

_ERRORS = """
5:13: nogil class 'A' cannot derive from 'Plain', which is not a nogil class
11:13: base class 'S' of nogil class 'B' is not a nogil class
"""
