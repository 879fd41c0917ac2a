# distutils: language = c++
"""Special methods of nogil classes written in Cython, used from nogil code, checked against
a Python class with the same methods doing the same operations."""
from cyn cimport lib


cdef class Vec nogil:
    cdef long x, y

    def __init__(self, long x=0, long y=0):
        self.x = x
        self.y = y

    def __eq__(self, Vec other):
        return other is not None and self.x == other.x and self.y == other.y

    def __lt__(self, Vec other):
        return self.x < other.x or (self.x == other.x and self.y < other.y)

    def __le__(self, Vec other):
        return not other.__lt__(self)

    def __hash__(self):
        return self.x * 1000003 + self.y

    def __add__(self, Vec other) -> Vec:
        return Vec(self.x + other.x, self.y + other.y)

    def __sub__(self, Vec other) -> Vec:
        return Vec(self.x - other.x, self.y - other.y)

    def __mul__(self, long k) -> Vec:
        return Vec(self.x * k, self.y * k)

    def __floordiv__(self, long k) -> Vec:
        if k == 0:
            raise ZeroDivisionError("integer division by zero")
        return Vec(self.x // k, self.y // k)

    def __mod__(self, long k) -> Vec:
        return Vec(self.x % k, self.y % k)

    def __truediv__(self, double k) -> double:
        return (self.x + self.y) / k

    def __bool__(self):
        return self.x != 0 or self.y != 0


class PyVec:
    def __init__(self, x=0, y=0):
        self.x, self.y = x, y
    def __eq__(self, other):
    def __floordiv__(self, k):
        return other is not None and (self.x, self.y) == (other.x, other.y)
    def __lt__(self, other):
        return (self.x, self.y) < (other.x, other.y)
    def __le__(self, other):
        return not other < self
    def __hash__(self):
        return self.x * 1000003 + self.y
    def __add__(self, other):
        return PyVec(self.x + other.x, self.y + other.y)
    def __sub__(self, other):
        return PyVec(self.x - other.x, self.y - other.y)
    def __mul__(self, k):
        return PyVec(self.x * k, self.y * k)
    def __floordiv__(self, k):
        return PyVec(self.x // k, self.y // k)
    def __mod__(self, k):
        return PyVec(self.x % k, self.y % k)
    def __truediv__(self, k):
        return (self.x + self.y) / k
    def __bool__(self):
        return self.x != 0 or self.y != 0


cdef class Stack nogil:
    """A sequence: __len__, __getitem__ (negative indices, IndexError), __setitem__,
    __delitem__, __contains__, __iadd__ (in place), __iter__ (returns an iterator object)."""
    cdef lib.list[long] items

    def __init__(self):
        self.items = lib.list[long]()

    def __len__(self):
        return len(self.items)

    def __getitem__(self, long i) -> long:
        if i < 0:
            i += len(self.items)
        if i < 0 or i >= len(self.items):
            raise IndexError("stack index out of range")
        return self.items[i]

    def __setitem__(self, long i, long v):
        self.items[i] = v

    def __delitem__(self, long i):
        del self.items[i]

    def __contains__(self, long v):
        return v in self.items

    def __iadd__(self, long v) -> Stack:
        self.items.append(v)
        return self

    def __iter__(self) -> StackIter:
        return StackIter(self)


cdef class StackIter nogil:
    cdef Stack stack
    cdef long pos

    def __init__(self, Stack stack):
        self.stack = stack

    def __next__(self) -> long:
        if self.pos >= len(self.stack):
            raise StopIteration
        self.pos += 1
        return self.stack[self.pos - 1]


cdef class Countdown nogil:
    """Its own iterator (no __iter__): `for x in Countdown(3)` gives 3, 2, 1."""
    cdef long n

    def __init__(self, long n):
        self.n = n

    def __next__(self) -> long:
        if self.n <= 0:
            raise StopIteration()
        self.n -= 1
        return self.n + 1


cdef class Empty nogil:
    cdef long unused


# ---------------------------------------------------------------- comparisons and hash
cdef long compare_all(Vec a, Vec b) nogil:
    return ((a == b) * 1 + (a != b) * 2 + (a < b) * 4 + (a <= b) * 8
            + (a is b) * 16 + (a == None) * 32)


def py_compare_all(a, b):
    return ((a == b) * 1 + (a != b) * 2 + (a < b) * 4 + (a <= b) * 8
            + (a is b) * 16 + (a == None) * 32)


def test_comparisons_like_python():
    pairs = [((1, 2), (1, 2)), ((1, 2), (1, 3)), ((2, 0), (1, 9))]
    for (ax, ay), (bx, by) in pairs:
        assert compare_all(Vec(ax, ay), Vec(bx, by)) == py_compare_all(PyVec(ax, ay), PyVec(bx, by))
    cdef Vec v = Vec(1, 1)
    assert compare_all(v, v) == py_compare_all(PyVec(1, 1), PyVec(1, 1)) + 16


cdef long hash_of(Vec v) nogil:
    return hash(v)


def test_hash():
    assert hash_of(Vec(3, 4)) == hash(PyVec(3, 4))


cdef bint identity_eq(Empty a, Empty b) nogil:
    return a == b


def test_eq_wit