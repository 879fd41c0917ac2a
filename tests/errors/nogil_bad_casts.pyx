# distutils: language = c++
cdef class A nogil:
    cdef int x
cdef class B nogil:
    pass
cdef void f(A a) nogil:
    cdef int i = <int>a
    cdef B b = <B>a
    cdef int* p = a

_ERRORS = """
7:17: Cannot cast nogil class 'A' to 'int'
8:15: Cannot cast 'A' to unrelated nogil class 'B'
9:18: Cannot assign type 'A' to 'int *'
"""
