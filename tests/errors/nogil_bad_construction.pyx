# distutils: language = c++
cdef class A nogil:
    def __init__(self, int x):
        pass
cdef void f() nogil:
    a = A(x=1)
    b = A()
    c = A(1, 2)

_ERRORS = """
6:9: keyword arguments are not supported when constructing nogil class 'A'
7:9: Call with wrong number of arguments (expected 1, got 0)
8:9: Call with wrong number of arguments (expected 1, got 2)
"""
