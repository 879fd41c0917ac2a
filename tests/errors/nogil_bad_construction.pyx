# distutils: language = c++
cdef class A nogil:
    def __init__(self, int x, int y=2, int z=3):
        pass
cdef class B nogil:
    def __init__(self, int x):
        pass
    def __init__(self, double x):
        pass
cdef void f() nogil:
    a = A(x=1)                  # fine
    b = A()
    c = A(1, 2, 3, 4)
    d = A(1, w=1)
    e = A(1, x=1)
    g = A(y=1)
    h = A(1, z=5)               # fine: y takes its default
    k = B(x=1)

_ERRORS = """
12:9: Call with wrong number of arguments (expected at least 1, got 0)
13:9: Call with wrong number of arguments (expected at most 3, got 4)
14:9: __init__() of nogil class 'A' got an unexpected keyword argument 'w'
15:9: __init__() of nogil class 'A' got multiple values for argument 'x'
16:9: __init__() of nogil class 'A' is missing argument 'x'
18:9: keyword arguments need nogil class 'B' to have one __init__ signature
"""
