# The declaration of a nogil class in the module's own .pxd: fields and method signatures.
cdef class Shape 