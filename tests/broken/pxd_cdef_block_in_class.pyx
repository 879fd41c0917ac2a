# distutils: language = c++
# Found by make fuzz-compiler: a `cdef nogil:` block in a class body of a .pxd.
cdef class Box[T] nogil:
    cdef T get(self):
        return self.value
