# distutils: language = c++
# A .pxd gives optional arguments as `=*` (the value belongs to the .pyx), as upstream requires.
cdef class Shape nogil:
    def __init__(self, double w=1):
        self.w = w
