# distutils: language = c++
cdef class A nogil:
    cdef int f():
        return 1

_ERRORS = """
3:4: method 'f' of nogil class 'A' needs 'self' as its first argument
"""
