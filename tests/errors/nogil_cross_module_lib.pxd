cdef class Shared nogil:
    cdef int x
    cdef int get(self)
