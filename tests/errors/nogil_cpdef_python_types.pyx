# distutils: language = c++
# A cpdef method of a nogil class returning a Python object: the errors name the method, and
# nothing is reported against the class line (its Python wrapper is not built for it).
cdef class A nogil:
    cdef long x
    cpdef object f(self):
        return None

_ERRORS = """
6:4: Function with Python return type cannot be declared nogil
7:8: Returning Python object not allowed without gil
"""
