cdef class Shape nogil:
    cdef double w
    cdef double area(self)

cdef class Square(Shape)
