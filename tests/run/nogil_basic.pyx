# distutils: language = c++
from libc.math cimport sqrt

cdef class Point nogil:
    cdef double x, y
    cdef public int tag
    cdef Point next

    def __init__(self, double x=0, double y=0):
        self.x = x
        self.y = y

    cdef double norm2(self):
        return self.x * self.x + self.y * self.y

    cpdef double norm(self):
        return sqrt(self.norm2())

    def __dealloc__(self):
        pass

cdef class Point3(Point) nogil:
    cdef double z
    def __init__(self, double x=0, double y=0, double z=0):
        Point.__init__(self, x, y)
        self.z = z
    cdef double norm2(self):
        return Point.norm2(self) + self.z * self.z

cdef double total() nogil:
    o = Point(3, 4)
    p = Point3(1, 2, 2)
    o.next = p
    return o.norm2() + o.next.norm2()

cdef int baz() nogil:
    o = Point()
    o.norm2()
    return 1

def test_total():
    assert total() == 34.0
    assert baz() == 1
