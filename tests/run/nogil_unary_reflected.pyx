# distutils: language = c++
"""Unary operators (`__neg__`, `__pos__`, `__invert__`, `__abs__`) and reflected binary
operators (`__radd__`… when the left operand has no `__add__`) of nogil classes, in nogil
code and on the wrapper, as in Python (SPEC section 1, special methods)."""
from cyn cimport lib


cdef class Vec nogil:
    cdef public double x, y

    def __init__(self, double x=0, double y=0):
        self.x = x
        self.y = y

    def __neg__(self) -> Vec:
        return Vec(-self.x, -self.y)

    def __pos__(self) -> Vec:
        return self

    def __abs__(self) -> double:
        return (self.x * self.x + self.y * self.y) ** 0.5

    def __mul__(self, double k) -> Vec:
        return Vec(self.x * k, self.y * k)

    def __rmul__(self, double k) -> Vec:          # k * v
        return Vec(k * self.x, k * self.y)

    def __add__(self, Vec other) -> Vec:
        return Vec(self.x + other.x, self.y + other.y)


cdef class Bits nogil:
    cdef public long v

    def __init__(self, long v):
        self.v = v

    def __invert__(self) -> Bits:
        return Bits(~self.v)

    def __rsub__(self, long k) -> long:           # k - b: no int.__sub__ for a Bits
        return k - self.v

    def __ror__(self, long k) -> long:
        return k | self.v

    def __rpow__(self, long base) -> long:
        return base ** self.v


cdef class Meters nogil:
    """Only reflected methods, taking another nogil class: `Feet - Meters`."""
    cdef public double m

    def __init__(self, double m):
        self.m = m

    def __rsub__(self, Feet left) -> double:
        return left.ft * 0.3048 - self.m


cdef class Feet nogil:
    cdef public double ft

    def __init__(self, double ft):
        self.ft = ft


cdef double unary_in_nogil() except? -1 nogil:
    v = Vec(3, 4)
    w = -v
    p = +v
    return w.x + w.y + abs(v) + (p is v)


def test_unary_in_nogil_code():
    assert unary_in_nogil() == -3 - 4 + 5 + 1


cdef (double, double) scaled(double k) noexcept nogil:
    v = Vec(1, 2)
    a = k * v                # Vec.__rmul__
    b = v * k                # Vec.__mul__
    c = -(2 * v) + v         # nested: __rmul__, __neg__, __add__
    return a.x + b.x, c.y


def test_reflected_in_nogil_code():
    assert scaled(3) == (6, -2)


cdef long bits_ops(long k) noexcept nogil:
    b = Bits(5)
    return (~b).v * 1000000 + (k - b) * 1000 + (k | b) + (2 ** b)


def test_invert_and_reflected_with_c_numbers():
    assert bits_ops(40) == (~5) * 1000000 + (40 - 5) * 1000 + (40 | 5) + 2 ** 5


cdef double feet_minus_meters() except? -1 nogil:
    return Feet(10) - Meters(1)


def test_reflected_between_two_nogil_classes():
    assert abs(feet_minus_meters() - (10 * 0.3048 - 1)) < 1e-12


cdef long repeat_text_and_list() except -1 nogil:
    s = 3 * lib.string(b"ab")
    ys = lib.list[long]()
    ys.append(1)
    ys.append(2)
    xs = 2 * ys
    return len(s) * 100 + len(xs)


def test_lib_repeat_with_count_on_the_left():
    assert repeat_text_and_list() == 6 * 100 + 4


def test_wrapper_unary_and_reflected():
    cdef object v = Vec(3, 4)      # a Python object: the wrapper's slots
    cdef object b = Bits(6)
    n = -v
    assert (n.x, n.y) == (-3, -4)
    assert +v == v            # the same nogil object: an equal wrapper (SPEC section 2)
    assert abs(v) == 5.0
    r = 2 * v
    assert (r.x, r.y) == (6, 8)
    assert (~b).v == ~6
    assert 10 - b == 4
    assert 1 | b == 7
    assert 2 ** b == 64
    f = Feet(10)
    assert abs((f - Meters(2)) - (3.048 - 2)) < 1e-12


def test_wrapper_missing_operators_are_type_errors():
    cdef object b = Bits(6)
    cdef object f = Feet(1)
    for op in (lambda: -b, lambda: +b, lambda: abs(b), lambda: ~f, lambda: b - 1,
               lambda: 1 + b, lambda: "x" * b):
        try:
            op()
        except TypeError:
            pass
        else:
            raise AssertionError("expected TypeError")
