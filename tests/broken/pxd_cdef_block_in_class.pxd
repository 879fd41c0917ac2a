cdef class Box[T] nogil:
    cdef T value
    cdef nogil: get(self)
