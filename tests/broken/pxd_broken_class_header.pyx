# distutils: language = c++
"""A nogil class declared in the module's .pxd and defined here.

>>> Shape(2, 3).scaled_area(2)
12.0
>>> Square(3).w
3.0
"""
cdef class Shape nogil:
    def __init__(self, double w, double h):
        self.w = w
        self.h = h
    cdef double area(self):
        return self.w * self.h
    cpdef double scaled_area(self, double k):
        return self.area() * k

cdef class Square(Shape) nogil:
    def __init__(self, double side):
        Shape.__init__(self, side, side)
    cdef double area(self):
        return Shape.area(self) + 0.5

cdef double total() nogil:
    cdef Shape s = Square(2)
    return s.area() + Shape(1, 2).area()

def test_total():
    assert total() == 4.5 + 2
