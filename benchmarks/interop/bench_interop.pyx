# Crossing cost between Python and nogil objects (issue 4): Python constructs an object and
# calls a cpdef method, on a nogil class (wrapper + GIL release) and on a Cython cdef class.

cdef class NCounter nogil:
    cdef long value
    def __init__(self, long start=0):
        self.value = start
    cpdef long bump(self, long by):
        self.value += by
        return self.value


cdef class CCounter:
    cdef long value
    def __init__(self, long start=0):
        self.value = start
    cpdef long bump(self, long by):
        self.value += by
        return self.value
