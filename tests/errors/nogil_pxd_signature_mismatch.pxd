cdef class Meter nogil:
    cdef double value
    cdef double scaled(self, double k)
    cdef long rounded(self)
