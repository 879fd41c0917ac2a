cdef class Box[T] nogil:
    cdef T value
    cdef T
    cdef void put(self, T v)
