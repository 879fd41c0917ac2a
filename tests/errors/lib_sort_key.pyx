# distutils: language = c++
from cyn cimport lib

cdef double two(long a, long b) noexcept nogil:
    return a

cdef void f(lib.list[long] xs) except * nogil:
    xs.sort(key=two)
    xs.sort(key=5)

def g(lib.list[long] xs):
    xs.sort(key=lambda v: -v)

_ERRORS = """
8:16: key= of a lib container takes a nogil function of one 'long' (a cdef function declared nogil; Python callables are not supported)
9:16: key= of a lib container takes a nogil function of one 'long' (a cdef function declared nogil; Python callables are not supported)
12:16: key= of a lib container takes a nogil function of one 'long' (a cdef function declared nogil; Python callables are not supported)
"""
