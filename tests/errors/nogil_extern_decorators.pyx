# distutils: language = c++
cdef extern from * namespace "demo" nogil:
    cdef class Counter nogil:
        __init__()
        @staticmethod
        Counter make(long k)
        @property
        long size()

_ERRORS = """
7:8: only @staticmethod may decorate a member of an extern nogil class
"""
