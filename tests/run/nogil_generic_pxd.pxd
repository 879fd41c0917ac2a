cdef class Box[T] nogil:
    cdef T value
    cdef T get(self)
    cdef void put(self, T v)
