# distutils: language = c++
"""Things a Python programmer writes without thinking, each with Python's answer: calling an
inherited __init__ through the subclass, hash() of an object whose class has __eq__ but no
__hash__ (TypeError), comparing a nogil object with a Python object or a C value where the GIL
is held (Python's comparison: the wrapper's __eq__ says NotImplemented to other types)."""


cdef class A nogil:
    cdef public long a
    def __init__(self, long a=1):
        self.a = a


cdef class B(A) nogil:
    pass


cdef class C(B) nogil:
    cdef public long c
    def __init__(self, long a=0):
        B.__init__(self, a)     # B inherits A.__init__: Python runs A.__init__
        self.c = a * 2


def test_calling_an_inherited_init_through_the_subclass():
    o = C(5)
    assert (o.a, o.c) == (5, 10)


cdef class Key nogil:
    cdef long k
    def __init__(self, long k):
        self.k = k
    def __eq__(self, Key other):
        return other is not None and other.k == self.k


cdef class Plain nogil:
    cdef long k


cdef Py_ssize_t hash_in_nogil_code(Key k) except? -1 nogil:
    return hash(k)


cdef Py_ssize_t hash_of_plain(Plain p) except? -1 nogil:
    return hash(p)


def test_hash_of_a_class_with_eq_and_no_hash_is_a_type_error():
    import pytest
    with pytest.raises(TypeError, match="unhashable type: 'Key'"):
        hash_in_nogil_code(Key(1))
    with pytest.raises(TypeError, match="unhashable type"):
        hash(Key(1))                        # the wrapper agrees
    p = Plain()
    assert hash_of_plain(p) == hash(p)      # no __eq__: the identity, as the wrapper's


def test_python_object_against_a_nogil_object():
    cdef object other = Key(1)
    cdef Key k = Key(1)
    assert other == k and k == other and not (other != k)
    other = Key(2)
    assert other != k and not (k == other)
    other = "text"
    assert not (k == other) and k != other
    cdef Plain p = Plain()
    other = p
    assert other == p                       # the same object: identity
    other = None
    assert not (other == p)


def test_nogil_object_against_a_c_value_with_the_gil():
    cdef Key k = Key(1)
    cdef long one = 1
    assert not (k == one) and k != one
    assert not (one == k)


cdef class Node nogil:
    cdef public long v
    cdef public double r
    def __init__(self, long v=0, double r=1.5):
        self.v = v
        self.r = r


cdef double built_with_keywords() nogil:
    n = Node(4, r=0.5)
    m = Node(v=2)           # r takes its default
    k = Node(r=3.0)         # v takes its default
    return n.v + n.r + m.v * 10 + m.r * 100 + k.v * 1000 + k.r * 10000


def test_keyword_arguments_when_constructing_in_cython():
    assert built_with_keywords() == 4 + 0.5 + 20 + 150 + 0 + 30000
    n = Node(r=2.5, v=3)
    assert (n.v, n.r) == (3, 2.5)


# ---------------------------------------------------------------- swapping items
from cyn cimport lib

cdef lib.list[long] swapped(lib.list[long] xs) except * nogil:
    xs[0], xs[-1] = xs[-1], xs[0]           # every right side first, then the targets
    return xs

cdef lib.dict[long, long] rotated(lib.dict[long, long] d) except * nogil:
    d[1], d[2], d[3] = d[2], d[3], d[1]
    return d

cdef (long, long) swap_with_a_local(lib.list[long] xs) except * nogil:
    cdef long x = 10
    xs[0], x = x, xs[0]
    return xs[0], x

def test_swapping_items():
    assert swapped([1, 2, 3]).to_py() == [3, 2, 1]
    assert rotated({1: 10, 2: 20, 3: 30}).to_py() == {1: 20, 2: 30, 3: 10}
    assert swap_with_a_local([5, 6]) == (10, 5)


# ---------------------------------------------------------------- super()
cdef class Shape nogil:
    cdef long sides

    def __init__(self, long sides):
        self.sides = sides

    cdef long describe(self):
        return self.sides


cdef class Square(Shape) nogil:
    cdef long size

    def __init__(self, long size):
        super().__init__(4)               # the base's __init__, as in Python
        self.size = size

    cdef long describe(self):
        return super().describe() * 100 + self.size


cdef class Cube(Square) nogil:
    cdef long describe(self):
        return super(Cube, self).describe() + 1


cdef long shapes() noexcept nogil:
    return Square(7).describe() * 1000 + Cube(2).describe()


def test_super_calls_the_base_method():
    assert shapes() == 407 * 1000 + 403


# ---------------------------------------------------------------- one-line classes
cdef class Marker nogil: pass
cdef class SubMarker(Marker) nogil: pass


cdef bint is_marker(Marker m) noexcept nogil:
    return isinstance(m, SubMarker)


def test_one_line_class_bodies():
    assert is_marker(SubMarker()) and not is_marker(Marker())


# ---------------------------------------------------------------- @staticmethod
cdef class Vec2 nogil:
    cdef double x, y

    def __init__(self, double x=0, double y=0):
        self.x = x
        self.y = y

    @staticmethod
    cdef Vec2 zero():
        return Vec2()

    @staticmethod
    cdef Vec2 from_polar(double r):
        return Vec2(r, 0)

    cdef double norm2(self):
        return self.x * self.x + self.y * self.y


cdef double static_factories() noexcept nogil:
    return Vec2.from_polar(3).norm2() + Vec2.zero().norm2()


def test_static_methods_are_called_on_the_class():
    assert static_factories() == 9.0
