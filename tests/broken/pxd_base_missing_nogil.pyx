# distutils: language = c++
"""Defines the classes of _xmod_shapes.pxd; nogil_cross_module.pyx uses and extends them."""

cdef int next_serial = 0
cdef int deallocated = 0

cdef class Shape nogil:
    def __init__(self, double w, double h):
        global next_serial
        self.w = w
        self.h = h
        next_serial += 1
        self.serial = next_serial

    cdef double area(self):
        return self.w * self.h

    cpdef double scaled_area(self, double k):
        return self.area() * k          # virtual: a subclass in another module overrides area

    cdef double checked_area(self) except -1:
        if self.w < 0:
            raise ValueError("negative width")
        return self.area()

    cdef double padded(self, double pad=1):
        return self.area() + pad

    def __dealloc__(self):
        global deallocated
        deallocated += 1

cdef class Square(Shape) nogil:
    def __init__(self, double side):
        Shape.__init__(self, side, side)

cdef class Plain nogil:
    pass

cdef double total_area(Shape a, Shape b) noexcept nogil:
    return a.area() + b.area()

def deallocations():
    return deallocated

def area_of(Shape s):
    """A def function of the defining module, given objects built by either module."""
    cdef double r
    with nogil:
        r = s.area()
    return r
