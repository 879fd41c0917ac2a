# A nogil class hierarchy declared for use from other modules (tests/run/nogil_cross_module.pyx).
cdef class Shape nogil:
    cdef public double w, h
    cdef readonly int serial
    def __init__(self, double w, double h)
    cdef double area(self)
    cpdef double scaled_area(self, double k)
    cdef double checked_area(self) except -1
    cdef double padded(self, double pad=*)

cdef class Square(Shape)