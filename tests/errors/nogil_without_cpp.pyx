# mode: c
cdef class A nogil:
    cdef int x

_ERRORS = """
2:0: nogil class 'A' needs C++: compile with --cplus or '# distutils: language = c++'
"""
