# distutils: language = c++
cdef class A nogil:
    def __getitem__(self, long i):
        return 1

_ERRORS = """
3:4: special method __getitem__ of a nogil class needs a return type: 'def __getitem__(self, ...) -> TYPE:'
"""
