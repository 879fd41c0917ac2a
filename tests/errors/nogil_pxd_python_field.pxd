cdef class Holder nogil:
    cdef public object payload
    cdef list items
    cdef double[:] samples
    cdef long count
    cdef long total(self)
