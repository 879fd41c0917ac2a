# A nogil class hierarchy declared for use from other modules (tests/run/nogil_cross_module.pyx).
cdef class Shape nogil:
    cdef public double w, h
    cdef readonly int serial
    def __init__(self, double w, double h)
    cdef double area(self)
    cpdef double scaled_area(self, double k)
    cdef double checked_area(self) except -1
    cdef double padded(self, double pad=*)

cdef class Square(Shape) nogil:
    def __init__(self, double side)

cdef class Plain nogil:
    cdef int value

cdef double total_area(Shape a, Shape b) noexcept nogil

# Special methods: declared in the .pxd (Money) or left out of it (Tag: other modules read
# them from _xmod_shapes.pyx); either way `==`, `hash`, `len`, `+`… mean the same everywhere.
cdef class Money nogil:
    cdef public long cents
    def __init__(self, long cents)
    def __eq__(self, Money other)
    def __hash__(self)
    def __lt__(self, Money other)
    def __add__(self, Money other) -> Money

cdef class Tag nogil:
    cdef public long code
    def __init__(self, long code)
