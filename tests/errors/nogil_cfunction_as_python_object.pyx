# distutils: language = c++
# A cdef function taking or returning nogil objects has no Python callable form (it reached
# the C++ compiler as a wrapper taking PyObject* arguments).
from cyn cimport lib

cdef long total(lib.list[long] xs) except? -1 nogil:
    return len(xs)

def callable_total():
    return total

_ERRORS = """
10:11: Cannot convert 'long (list[long]) except? -1L nogil' to Python object
"""
