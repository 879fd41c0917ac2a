# distutils: language = c++
cdef class A nogil:
    cdef int x

cdef void f() nogil:
    cdef A a = A()
    a.missing = 1
    cdef int* p = a
    a + 1

_ERRORS = """
7:5: nogil class 'A' has no attribute 'missing'
8:18: Cannot assign type 'A' to 'int *'
9:6: nogil class 'A' does not support '+' (no __add__)
"""
