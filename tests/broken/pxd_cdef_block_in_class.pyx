# distutils: language = c++
"""A generic nogil class declared in the module's .pxd and defined here."""

cdef class Box[T] nogil:
    def __init__(self, T v):
        self.value = v
    cdef T get(self):
        return self.value
    cdef void put(self, T v):
        self.value = v

cdef class Point nogil:
    cdef double x
    def __init__(self, double x):
        self.x = x

cdef double use() nogil:
    b = Box[long](3)
    b.put(b.get() + 4)
    p = Box[Point](Point(1.5))
    return b.get() + p.get().x

def test_generic_declared_in_pxd():
    assert use() == 8.5
