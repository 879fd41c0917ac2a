# distutils: language = c++
# isinstance() with a tuple of nogil classes needs a nogil reference (or, with the GIL, a
# Python object) to test.
cdef class B nogil:
    pass

cdef class C nogil:
    pass

cdef bint f(int x) nogil:
    return isinstance(x, (B, C))

_ERRORS = """
11:21: isinstance() of 'int' against nogil classes
"""
