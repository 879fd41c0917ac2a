# distutils: language = c++
from cyn cimport lib

cdef class NotIterable nogil:
    cdef long v

cdef long f(NotIterable o, long n) except? -1 nogil:
    return sum(o) + max(n)

_ERRORS = """
8:24: 'long' object is not iterable
8:15: nogil class 'NotIterable' does not support iteration (no __iter__/__next__)
"""
