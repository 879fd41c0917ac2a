# A class deriving from another module's class, itself declared for use by a third module.
from _xmod_shapes cimport Shape

cdef class Tile(Shape) nogil:
    cdef double glaze
    def __init__(self, double side, double glaze)
    cdef double area(self)
    cdef double layers(self)
