# distutils: language = c++
from _xmod_shapes cimport Shape

cdef class Tile(Shape) nogil:
    def __init__(self, double side, double glaze):
        Shape.__init__(self, side, side)
        self.glaze = glaze

    cdef double area(self):
        return Shape.area(self) + self.glaze

    cdef double layers(self):
        return 1
