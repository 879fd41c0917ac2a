# distutils: language = c++
# Found by make fuzz-compiler: the .pxd declares Square without `nogil`; the class the .pyx
# defines is rejected as a redeclaration and its methods must not be analysed further.
cdef class Shape nogil:
    cdef double area(self):
        return self.w

cdef class Square(Shape) nogil:
    cdef double area(self):
        return Shape.area(self) + 1
