# distutils: language = c++
cdef class Guard nogil:
    def __enter__(self):
        return self
    def __exit__(self):
        pass

_ERRORS = """
3:4: special method __enter__ of a nogil class needs a return type: 'def __enter__(self, ...) -> TYPE:' ('-> None' when it returns nothing)
"""
