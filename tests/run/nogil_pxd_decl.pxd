# The declaration of a nogil class in the module's own .pxd: fields and method signatures.
cdef class Shape nogil:
    cdef public double w, h
    cdef double area(self)
    cpdef double scaled_area(self, double k)

cdef class Square(Shape) nogil:
    cdef double area(self)
