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


def test_eq_without_method_is_identity():
    cdef Empty e = Empty()
    assert identity_eq(e, e)
    assert not identity_eq(e, Empty())


# ---------------------------------------------------------------- arithmetic
cdef Vec arith(Vec a, Vec b) nogil:
    return (a + b) * 3 - b // 2 + a % 2


def test_arithmetic_like_python():
    cdef Vec r = arith(Vec(5, 7), Vec(2, 9))
    p = (PyVec(5, 7) + PyVec(2, 9)) * 3 - PyVec(2, 9) // 2 + PyVec(5, 7) % 2
    assert (r.x, r.y) == (p.x, p.y)


cdef double true_div(Vec a) nogil:
    return a / 4.0


def test_truediv():
    assert true_div(Vec(1, 2)) == PyVec(1, 2) / 4.0


cdef Vec inplace_fallback(Vec a, Vec b) nogil:
    c = a
    c += b            # no __iadd__: c = c + b, a is unchanged
    c *= 2
    return c


def test_inplace_falls_back_to_binary():
    cdef Vec a = Vec(1, 1)
    cdef Vec c = inplace_fallback(a, Vec(2, 3))
    assert (c.x, c.y) == (6, 8)
    assert (a.x, a.y) == (1, 1)


cdef long div_by_zero(Vec a) except -1 nogil:
    b = a // 0
    return b.x


def test_error_in_special_method_propagates():
    try:
        div_by_zero(Vec(1, 1))
    except ZeroDivisionError as e:
        assert str(e) == "integer division by zero"
    else:
        assert False


# ---------------------------------------------------------------- truth
cdef int truth(Vec v) nogil:
    if v:
        return 1
    return 0


cdef int stack_truth(Stack s) nogil:
    return 1 if s else 0


cdef int empty_truth(Empty e) nogil:
    return 0 if not e else 1


def test_truth_like_python():
    assert truth(Vec(0, 0)) == bool(PyVec(0, 0)) == 0
    assert truth(Vec(0, 1)) == bool(PyVec(0, 1)) == 1
    assert truth(None) == 0
    cdef Stack s = Stack()
    assert stack_truth(s) == 0          # __len__ == 0
    s += 5
    assert stack_truth(s) == 1
    assert empty_truth(Empty()) == 1    # neither __bool__ nor __len__: true
    assert empty_truth(None) == 0


# ---------------------------------------------------------------- container protocol
cdef long use_stack() except -1 nogil:
    s = Stack()
    for i in range(5):
        s += i * 10           # __iadd__ returning self: s is still the same stack
    s[0] = 7
    del s[1]
    total = 0
    for x in s:
        total += x
    return len(s) * 100000 + s[-1] * 1000 + total + (30 in s) * 10000000 + (99 in s) * 100000000


def test_container_protocol_like_python():
    py = []
    for i in range(5):
        py += [i * 10]
    py[0] = 7
    del py[1]
    expected = len(py) * 100000 + py[-1] * 1000 + sum(py) + (30 in py) * 10000000 + (99 in py) * 100000000
    assert use_stack() == expected


cdef long read_past_end(Stack s) except -1 nogil:
    return s[10]


def test_index_error_from_getitem():
    cdef Stack s = Stack()
    s += 1
    try:
        read_past_end(s)
    except IndexError as e:
        assert str(e) == "stack index out of range"
    else:
        assert False
    try:
        read_past_end(None)
    except TypeError as e:      # Python's error for None[10]
        assert str(e) == "'NoneType' object is not subscriptable"
    else:
        assert False


cdef long countdown_sum(long n) nogil:
    total = 0
    for k in Countdown(n):
        total = total * 10 + k
    return total


def test_own_iterator_and_stop_iteration():
    assert countdown_sum(3) == 321
    assert countdown_sum(0) == 0


cdef long nested_loops(long n) nogil:
    total = 0
    for a in Countdown(n):
        for b in Countdown(a):
            total += b
    return total


def test_nested_loops_do_not_share_the_stop_flag():
    assert nested_loops(4) == sum(sum(range(1, a + 1)) for a in range(1, 5))


# ---------------------------------------------------------------- on the Python wrapper
def test_wrapper_exposes_special_methods():
    # `object` variables: the operators below go through the Python wrapper type
    cdef object v, w, s, d, st
    v = Vec(1, 2)
    w = Vec(1, 3)
    s = v + w
    assert isinstance(s, Vec)
    d = s - v
    assert isinstance(d, Vec) and d == d and d != s
    assert v < w and v <= w and not (w < v) and not (w <= v)
    assert w > v               # Python reflects to v < w (the class has no __gt__)
    assert bool(Vec(0, 0)) is False and bool(v) is True
    assert v / 4.0 == 0.75
    st = Stack()
    assert len(st) == 0 and not st
    same = st
    st += 5                    # __iadd__ returns self: the same wrapper, changed in place
    assert st is same and len(st) == 1 and st[0] == 5
    assert list(st) == [5]     # __iter__ -> StackIter's wrapper, stepped by its __next__


def test_wrapper_sequence_protocol():
    cdef object st = Stack()
    cdef Stack s = st
    s += 4
    s += 6
    assert len(st) == 2
    assert st[0] == 4 and st[-1] == 6
    assert 6 in st and 7 not in st
    st[0] = 40
    assert st[0] == 40
    del st[0]
    assert len(st) == 1 and st[0] == 6
    try:
        st[5]
    except IndexError as e:
        assert str(e) == "stack index out of range"
    else:
        assert False


# ---------------------------------------------------------------- reflected order, bit ops, call
cdef class Flags nogil:
    cdef long bits

    def __init__(self, long bits):
        self.bits = bits

    def __or__(self, Flags other) -> Flags:
        return Flags(self.bits | other.bits)

    def __and__(self, Flags other) -> Flags:
        return Flags(self.bits & other.bits)

    def __ior__(self, Flags other) -> Flags:
        self.bits |= other.bits
        return self

    def __lt__(self, Flags other):
        return self.bits < other.bits

    def __call__(self, long bit) -> bint:
        return (self.bits >> bit) & 1


cdef long flags_ops() nogil:
    a = Flags(0b0101)
    b = Flags(0b0011)
    c = a | b
    d = a & b
    same = a
    a |= Flags(0b1000)          # __ior__ returns self: `same` sees the change
    return (c.bits * 10000 + d.bits * 1000 + same.bits * 10
            + (b > a) * 1 + (a > b) * 2 + c(0) * 4 + c(3) * 8)


def test_bit_operators_reflected_compare_and_call():
    a, b = 0b0101, 0b0011
    expected = (a | b) * 10000 + (a & b) * 1000 + (a | 0b1000) * 10 + 0 * 1 + 1 * 2 + 1 * 4 + 0 * 8
    assert flags_ops() == expected


cdef class Fussy nogil:
    cdef long n

    def __bool__(self):
        if self.n < 0:
            raise ValueError("no truth for negative Fussy")
        return self.n > 0


cdef int fussy_truth(long n) except -1 nogil:
    if _make_fussy(n):
        return 1
    return 0


cdef Fussy _make_fussy(long n) noexcept nogil:
    f = Fussy()
    f.n = n
    return f


def test_error_in_bool_propagates():
    assert fussy_truth(2) == 1
    assert fussy_truth(0) == 0
    try:
        fussy_truth(-1)
    except ValueError as e:
        assert str(e) == "no truth for negative Fussy"
    else:
        assert False


cdef class Rank nogil:
    cdef long v
    def __init__(self, long v):
        self.v = v
    def __lt__(self, Rank o):
        return self.v < o.v
    def __le__(self, Rank o):
        return self.v <= o.v

cdef long rank_calls = 0

cdef Rank counted(Rank r) nogil:
    global rank_calls
    rank_calls += 1
    return r

cdef int chained(Rank a, Rank b, Rank c) except -1 nogil:
    return (a < b < c) * 1 + (a <= counted(b) < c) * 10 + (a < c < b) * 100


cdef bint chained_text(lib.string a, lib.string b, lib.string c) except -1 nogil:
    return a <= b < c


def test_chained_comparisons_as_in_python():
    global rank_calls
    rank_calls = 0
    assert chained(Rank(1), Rank(2), Rank(3)) == 11
    assert rank_calls == 1                 # the middle operand is evaluated once
    assert chained(Rank(1), Rank(3), Rank(2)) == 100
    assert chained_text("a", "b", "c") and not chained_text("b", "a", "c")
