# distutils: language = c++
# '+', '-' and '*' on values of a generic class's type parameter T: each instantiation
# resolves them as Python would for what T holds (C numbers as in a cdef function, objects of
# a nogil class through __add__/__sub__/__mul__ and __iadd__ for `+=`), and the expression is
# a T, so `acc = start; acc = acc + x` infers acc as T (it crashed the compiler).
from cyn cimport lib

cdef class Money nogil:
    cdef public long cents
    def __init__(self, long cents=0):
        self.cents = cents
    def __add__(self, Money o) -> Money:
        return Money(self.cents + o.cents)
    def __sub__(self, Money o) -> Money:
        return Money(self.cents - o.cents)
    def __mul__(self, long k) -> Money:
        if k < 0:
            raise ValueError("negative factor")
        return Money(self.cents * k)

cdef class Tally nogil:
    cdef public long n
    cdef public long iadds
    def __init__(self, long n=0):
        self.n = n
    def __add__(self, Tally o) -> Tally:
        return Tally(self.n + o.n)
    def __iadd__(self, Tally o) -> Tally:
        self.n += o.n
        self.iadds += 1
        return self

cdef class Vec[T] nogil:
    cdef lib.list[T] xs
    def __init__(self):
        self.xs = lib.list[T]()
    cdef void add(self, T x):
        self.xs.append(x)
    cdef T total(self, T start):
        acc = start                 # inferred: T
        for x in self.xs:
            acc = acc + x
        return acc
    cdef T total_inplace(self, T start):
        cdef T acc = start
        for x in self.xs:
            acc += x
        return acc
    cdef T first_minus_last(self):
        return self.xs[0] - self.xs[-1]
    cdef T first_times(self, long k):
        return self.xs[0] * k
    cdef T twice_first(self):
        return 2 * self.xs[0]


def test_numbers():
    v = Vec[long]()
    v.add(2)
    v.add(5)
    assert v.total(10) == 17
    assert v.total_inplace(1) == 8
    assert v.first_minus_last() == -3
    assert v.first_times(3) == 6
    assert v.twice_first() == 4
    d = Vec[double]()
    d.add(0.5)
    d.add(0.25)
    assert d.total(1.0) == 1.75
    assert d.first_times(3) == 1.5


def test_objects_use_their_special_methods():
    v = Vec[Money]()
    v.add(Money(2))
    v.add(Money(5))
    assert v.total(Money(10)).cents == 17
    assert v.total_inplace(Money(1)).cents == 8
    assert v.first_minus_last().cents == -3
    assert v.first_times(3).cents == 6
    try:
        v.twice_first()             # 2 * Money: no __rmul__
    except TypeError:
        pass
    else:
        raise AssertionError("TypeError expected")


def test_inplace_prefers_iadd():
    v = Vec[Tally]()
    v.add(Tally(1))
    v.add(Tally(2))
    start = Tally(10)
    result = v.total_inplace(start)
    assert result.n == 13 and result.iadds == 2
    assert start.n == 13            # __iadd__ changed the object itself, as in Python
    try:
        v.first_times(2)            # Tally has no __mul__: TypeError when it runs, as in Python
    except TypeError as e:
        assert "unsupported operand type(s) for *" in str(e)
    else:
        raise AssertionError("TypeError expected")
    other = Tally(10)
    assert v.total(other).n == 13 and other.n == 10     # `acc + x` builds new objects


def test_errors_propagate():
    v = Vec[Money]()
    v.add(Money(2))
    try:
        v.first_times(-1)
    except ValueError as e:
        assert str(e) == "negative factor"
    else:
        raise AssertionError("ValueError expected")
    try:
        v.total(None)
    except TypeError as e:
        assert "NoneType" in str(e)
    else:
        raise AssertionError("TypeError expected for None + Money")


cdef class Total[T] nogil:
    cdef T total

    def __init__(self, T start):
        self.total = start

    cdef T add(self, T x):
        self.total += x
        return self.total

    cdef T times(self, T a, long k):
        return a * k


cdef lib.string text_total() except * nogil:
    return Total[lib.string](lib.string(b"ab")).add(lib.string(b"c")) + \
        Total[lib.string](lib.string(b"")).times(lib.string(b"ha"), 3)


cdef long list_total() except? -1 nogil:
    cdef lib.list[long] start = [1]
    cdef lib.list[long] more = [2, 3]
    t = Total[lib.list[long]](start)
    t.add(more)                      # += extends the list in place, as Python's list does
    return len(start) * 100 + len(t.times(more, 2))


def test_lib_strings_and_lists_as_type_arguments():
    assert text_total() == "abc" + "ha" * 3
    assert list_total() == 300 + 4
