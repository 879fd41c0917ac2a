# distutils: language = c++
cdef class A nogil:
    cdef int x

cdef class A nogil:
    cdef int y

_ERRORS = """
5:0: nogil class 'A' is already defined
"""
