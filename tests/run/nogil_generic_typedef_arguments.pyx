# distutils: language = c++
# A generic class instantiated with a ctypedef of another instantiation (`Box[LD]` where
# `ctypedef Pair[long, double] LD`): the C++ named the typedef in the conversions' prototypes
# before declaring it.
cdef class Pair[A, B] nogil:
    cdef public A first
    cdef public B second
    def __init__(self, A first, B second):
        self.first = first
        self.second = second

cdef class Box[T] nogil:
    cdef public T value
    def __init__(self, T value):
        self.value = value

ctypedef Pair[long, double] LD
ctypedef Box[LD] BoxLD

cdef long first_of(Box[LD] b) nogil:
    return b.value.first

cdef double nested() nogil:
    outer = Box[BoxLD](BoxLD(LD(4, 2.5)))
    return outer.value.value.first + outer.value.value.second


def test_box_of_typedef_built_in_python_code():
    b = Box[LD](LD(3, 1.5))
    assert first_of(b) == 3


def test_nested_typedef_in_nogil_code():
    assert nested() == 6.5


def test_instantiation_crosses_to_python_and_back():
    b = Box[LD](LD(7, 0.25))
    o = <object>b
    assert o.value.first == 7 and o.value.second == 0.25
    cdef Box[LD] back = o
    assert back is b
    assert first_of(o) == 7
