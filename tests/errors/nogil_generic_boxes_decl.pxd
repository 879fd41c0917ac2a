# A generic nogil class declared for other modules (see nogil_generic_cross_module.pyx).
cdef class Box[T] nogil:
    cdef T value
    cdef T get(self)
