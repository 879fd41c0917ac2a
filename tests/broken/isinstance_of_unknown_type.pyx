# distutils: language = c++
from nothere cimport Shape

cdef class Frame(Shape) nogil:
    cdef double border

cdef bint checks() nogil:
    cdef Shape s = Frame()
    return isinstance(s, Frame)
