cdef class Shape     cpdef double scaled_area(self, double k)
