# distutils: language = c++
"""Defines the classes of _xmod_shapes.pxd; nogil_cross_module.pyx uses and extends them."""

cdef int next_serial = 0
cdef int deallocated = 0

cdef class Shape nogil:
    def __init__(self, double w, double h):
        global next_serial
        self.w = w
        self.h = h
        next_serial += 1
        self.serial = next_serial

    cdef double area(self):
        return self.w * self.h

    cpdef double scaled_area(self, double k):
        return self.area() * k          # virtual: a subclass in another module overrides area

    cdef double checked_area(self) except -1:
        if self.w < 0:
            raise ValueError("negative width")
        return self.area()

    cdef double padded(self, double pad=1):
        return self.area() + pad

    def __dealloc__(self):
        global deallocated
        deallocated += 1

cdef class Square(Shape) nogil:
    def __init__(self, double side):
        Shape.__init__(self, side, side)

cdef class Plain nogil:
    pass

cdef double total_area(Shape a, Shape b) noexcept nogil:
    return a.area() + b.area()

def deallocations():
    return deallocated

def area_of(Shape s):
    """A def function of the defining module, given objects built by either module."""
    cdef double r
    with nogil:
        r = s.area()
    return r

cdef class Money nogil:
    def __init__(self, long cents):
        self.cents = cents
    def __eq__(self, Money other):
        return other is not None and self.cents == other.cents
    def __hash__(self):
        return self.cents
    def __lt__(self, Money other):
        return self.cents < other.cents
    def __add__(self, Money other) -> Money:
        return Money(self.cents + other.cents)

cdef class Tag nogil:
    def __init__(self, long code):
        self.code = code
    def __eq__(self, Tag other):
        return other is not None and self.code == other.code
    def __hash__(self):
        return self.code * 10
    def __len__(self):
        return self.code
    def __bool__(self):
        return self.code != 0

cdef bint money_equal_here(Money a, Money b) nogil:
    return a == b

def equal_in_defining_module(Money a, Money b):
    return money_equal_here(a, b)
