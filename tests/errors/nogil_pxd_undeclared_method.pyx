# distutils: language = c++
# A class declared in a .pxd lists every method there: another module compiles against the
# .pxd, and a method it does not know would give the two modules different virtual tables.
cdef class Shape nogil:
    cdef double area(self):
        return self.w
    cdef double perimeter(self):
        return 4 * self.w
    def __eq__(self, Shape other):      # special methods need not be listed
        return self.w == other.w

_ERRORS = """
7:4: method 'perimeter' of nogil class 'Shape' is not declared in its .pxd file
"""
