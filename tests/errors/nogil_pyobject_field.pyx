# distutils: language = c++
cdef class A nogil:
    cdef int ok
    cdef object o
    cdef list items

_ERRORS = """
4:4: Python object field 'o' in nogil class 'A'
5:4: Python object field 'items' in nogil class 'A'
"""
