cdef class Shape nogil:
    cdef double w
    def __init__(self, double w=1)
