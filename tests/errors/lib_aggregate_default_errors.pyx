# distutils: language = c++
from cyn cimport lib

cdef long f(lib.list[long] xs) except? -1 nogil:
    return max((x for x in xs), default=None)

cdef long g(lib.list[long] xs) except? -1 nogil:
    ys = sorted(x for x in xs)
    return 0

_ERRORS = """
8:16: a generator expression in nogil code can only be the argument of the built-in sum(), any(), all(), min() or max(); for a container, use a comprehension ([...])
5:40: max() of numbers in nogil code cannot default to None: give a number
"""
