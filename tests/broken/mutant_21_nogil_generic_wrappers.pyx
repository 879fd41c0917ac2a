# distutils: language = c++
"""Python wrappers of the instantiations of a generic nogil class: every concrete
`Box[...]` the module spells out (Box[long], Box[Point], Box[Box[long]], ...) gets a
wrapper type named `Box[long]`, with public/readonly fields, cpdef methods, special
methods and Python `def` methods converted with the concrete types."""
from cyn cimport lib

cdef long deallocated = 0


cdef class Point nogil:
    cdef public long x

    def __init__(self, long x=0):
        self.x = x

    def __dealloc__(self):
        global deallocated
        deallocated += 1


cdef class Box[T] nogil:
    cdef public T value
    cdef readonly long reads

    def __init__(self, T value):
        self.value = value

    cpdef T get(self):
        self.reads += 1
        return self.value

    cpdef void set(self, T v):
        self.value = v

    def __len__(self):
        return 1

    def describe(self):                  # a Python method of each instantiation's wrapper
        return "Box holding %r" % (self.value,)


cdef class Pair[A, B] nogil:
    cdef public A first
    cdef public B second

    def __init__(self, A first, B second):
        self.first = first
        self.second = second

    cdef Pair[B, A] swapped(self):       # Pair[B, A]: not concrete, no wrapper for it
        return Pair[B, A](self.second, self.first)


cdef class Carrier nogil:
    cdef public Box[long] box            # a public field of an instantiation's type

    def __init__(self):
        self.box = Box[long](5)


def make_long(long v):
    return Box[long](v)


def make_point(long x):
    return Box[Point](Point(x))


def make_nested(long v):
    return Box[Box[long]](Box[long](v))


def make_pair(long a, double b):
    return Pair[long, double](a, b)


def read(Box[long] b):
    return b.get()


cdef long sum_boxes(Box[long] a, Box[long] b) nogil:
    return a.get() + b.get()


def add(Box[long] a, Box[long] b):
    return sum_boxes(a, b)


def test_returned_instantiation_is_a_wrapper():
    b = make_long(3)
    assert type(b).__name__ == "Box[long]"
    assert type(b).__module__ == "nogil_generic_wrappers"
    assert b.value == 3 and b.get() == 3 and b.reads == 1
    b.value = 4
    assert b.get() == 4 and b.reads == 2
    b.set(9)
    assert b.value == 9
    assert len(b) == 1
    assert b.describe() == "Box holding 9"


def test_readonly