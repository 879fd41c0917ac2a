# distutils: language = c++
cdef class A(Missing) nogil:
    pass

_ERRORS = """
2:13: unknown base class 'Missing' of nogil class 'A'
"""
