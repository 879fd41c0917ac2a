# distutils: language = c++
cdef class Shape nogil:
    pass

cpdef long area_of(Shape s):
    return 0

cdef long sides(Shape s) nogil:
    return 0

def python_code():
    return area_of("square")

cdef long nogil_code() nogil:
    return sides(b"square")

_ERRORS = """
12:19: Cannot convert a text literal to nogil class 'Shape'
15:17: Cannot convert a text literal to nogil class 'Shape'
"""
