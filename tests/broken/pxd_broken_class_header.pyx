# distutils: language = c++
# Found by make fuzz-compiler: a broken class header in the .pxd leaves Shape a declared,
# never defined extension type; Shape.__init__ in a subclass then crashed a later transform.
cdef class Shape nogil:
    cdef double w
    def __init__(self, double w):
        self.w = w

cdef class Square(Shape) nogil:
    def __init__(self, double side):
        Shape.__init__(self, side)
