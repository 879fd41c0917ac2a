cdef class Box[T] nogil:
    cdef T get(self)
    cdef T value
    cdef nogil: get(self)
    cdef void put(self, T v)
