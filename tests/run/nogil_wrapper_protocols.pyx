# distutils: language = c++
"""Python protocols of the wrapper type of a nogil class: unbound methods, every binary and
in-place operator, iteration, pickling in subclasses, `del` of a reference field, `not None`
arguments (SPEC section 2; docs/nogil-classes.md, "From Python: the wrapper type").

>>> Node.add(Node(1), 2)
3
>>> Node.add(5, 1)
Traceback (most recent call last):
TypeError: descriptor 'add' for 'nogil_wrapper_protocols.Node' objects doesn't apply to a 'int' object
>>> list(Bag(3))
[0, 10, 20]
>>> pow(Num(2), 3, 5)
Traceback (most recent call last):
TypeError: pow() with a modulus: Num.__pow__ takes none
"""
import pickle


# ---------------------------------------------------------------- unbound methods
cdef class Node nogil:
    cdef public long v
    cdef public Node next
    cdef readonly Node ro_next

    def __init__(self, long v=0):
        self.v = v

    cpdef long add(self, long k):
        return self.v + k

    cpdef void link(self, Node n):
        self.ro_next = n

    def describe(self):                  # Python-only: `self` is the wrapper
        return "Node(%d)" % self.v


cdef class SubNode(Node) nogil:
    cpdef long twice(self):
        return 2 * self.v


class PyNode(Node):
    pass


def test_unbound_method_with_wrong_self_is_type_error():
    cdef object C = Node
    for bad in (5, None, "x", SubNode, object()):
        try:
            C.add(bad, 1)
        except TypeError as e:
            assert "descriptor 'add' for 'nogil_wrapper_protocols.Node' objects doesn't apply to a" in str(e), str(e)
        else:
            assert False, bad
    cdef object SC = SubNode
    try:
        SC.twice(Node(1))                # a base object is not a SubNode
    except TypeError as e:
        assert "'twice'" in str(e) and "'Node' object" in str(e), str(e)
    else:
        assert False
    try:
        C.link(3, None)
    except TypeError:
        pass
    else:
        assert False


def test_unbound_method_with_right_self():
    cdef object C = Node
    assert C.add(Node(1), 2) == 3
    assert C.add(SubNode(4), 1) == 5          # a subclass is a Node
    assert C.add(PyNode(7), 1) == 8           # so is a Python subclass
    cdef object SC = SubNode
    assert SC.twice(SubNode(3)) == 6
    assert C.describe(Node(2)) == "Node(2)"


def test_methods_are_named_after_the_class():
    cdef object C = Node
    assert C.add.__qualname__ == "Node.add" and C.describe.__qualname__ == "Node.describe"
    assert "Node.add" in repr(C.add) and "__cyn" not in repr(C.add)
    assert pickle.loads(pickle.dumps(C.add)) is C.add      # methods pickle by reference


def test_unbound_python_method_with_wrong_self_does_not_crash():
    cdef object C = Node
    try:
        C.describe(5)                      # reads `self.v` through Python: AttributeError
    except (TypeError, AttributeError):
        pass
    else:
        assert False


# ---------------------------------------------------------------- binary operators
cdef class Num nogil:
    cdef public long x

    def __init__(self, long x=0):
        self.x = x

    def __pow__(self, long e) -> long:
        return self.x ** e

    def __lshift__(self, long k) -> long:
        return self.x << k

    def __rshift__(self, long k) -> long:
        return self.x >> k

    def __matmul__(self, Num o) -> long:
        return self.x * o.x

    def __xor__(self, long o) -> long:
        return self.x ^ o

    def __or__(self, long o) -> long:
        return self.x | o

    def __and__(self, long o) -> Num:
        return Num(self.x & o)

    def __add__(self, long o) -> Num:
        return Num(self.x + o)

    def __sub__(self, long o) -> Num:
        return Num(self.x - o)

    # in-place: mutate (void), mutate and return self, return a new object, return a number
    def __iadd__(self, long k) -> void:
        self.x += k

    def __isub__(self, long k) -> Num:
        self.x -= k
        return self

    def __imul__(self, long k) -> Num:
        return Num(self.x * k)

    def __ipow__(self, long e) -> Num:
        self.x = self.x ** e
        return self

    def __ilshift__(self, long k) -> void:
        self.x <<= k

    def __irshift__(self, long k) -> void:
        self.x >>= k

    def __iand__(self, long k) -> void:
        self.x &= k

    def __ior__(self, long k) -> void:
        self.x |= k

    def __ixor__(self, long k) -> void:
        self.x ^= k

    def __imod__(self, long k) -> void:
        if k == 0:
            raise ZeroDivisionError("Num modulo by zero")
        self.x %= k

    def __ifloordiv__(self, long k) -> long:
        return self.x // k

    def __itruediv__(self, long k) -> double:
        return <double>self.x / k

    def __imatmul__(self, Num o) -> Num:
        return Num(self.x * o.x)


cdef class Modular nogil:
    cdef long x

    def __init__(self, long x):
        self.x = x

    def __pow__(self, long e, long m=0) -> long:     # a modulus, optional
        cdef long r = 1
        cdef long i
        for i in range(e):
            r = r * self.x
            if m:
                r = r % m
        return r


def test_binary_operators_on_the_wrapper():
    cdef object v = Num(6)
    assert v ** 2 == 36 and pow(v, 3) == 216
    assert v << 1 == 12 and v >> 1 == 3
    assert v @ Num(2) == 12
    assert v ^ 3 == 5 and v | 1 == 7
    w = v & 3
    assert type(w) is Num and w.x == 2
    assert v.x == 6                      # binary operators leave the operand alone


def test_binary_operators_errors():
    cdef object v = Num(6)
    for f in (lambda: 2 ** v, lambda: 1 << v, lambda: 3 @ v, lambda: 1 ^ v, lambda: 1 | v):
        try:
            f()                          # no reflected forms: Python's TypeError
        except TypeError as e:
            assert "unsupported operand" in str(e), str(e)
        else:
            assert False
    try:
        v @ 3                            # a wrong operand type is a TypeError
    except TypeError:
        pass
    else:
        assert False
    try:
        pow(v, 3, 5)                     # the nogil __pow__ takes no modulus
    except TypeError as e:
        assert "modulus" in str(e)
    else:
        assert False


def test_pow_with_modulus():
    cdef object m = Modular(3)
    assert m ** 4 == 81
    assert pow(m, 4, 5) == 1
    assert pow(m, 3, 7) == 6


def test_inplace_operators_mutating_keep_the_wrapper():
    cdef object v = Num(5)
    cdef object same = v
    v += 2                               # void __iadd__: changed in place, the same wrapper
    assert v is same and v.x == 7
    v -= 1                               # __isub__ returns self: the same wrapper
    assert v is same and v.x == 6
    v **= 2
    assert v is same and v.x == 36
    v <<= 1
    v >>= 2
    assert v is same and v.x == 18
    v &= 0b11010
    v |= 1
    v ^= 0b100
    assert v is same and v.x == ((18 & 0b11010) | 1) ^ 0b100
    v %= 4
    assert v is same and v.x == (((18 & 0b11010) | 1) ^ 0b100) % 4


def test_inplace_operators_returning_another_object():
    cdef object v = Num(5)
    cdef object orig = v
    v *= 3                               # __imul__ returns a new Num: `v` is rebound to it
    assert type(v) is Num and v.x == 15 and v is not orig and orig.x == 5
    v @= Num(2)
    assert v.x == 30
    v //= 4                              # a number result: `v` becomes that number
    assert v == 7
    cdef object u = Num(7)
    u /= 2
    assert u == 3.5


def test_inplace_sees_shared_object():
    cdef Num n = Num(1)
    cdef object a = n
    cdef object b = n                    # two wrappers of one nogil object
    a += 10
    assert b.x == 11 and n.x == 11


def test_inplace_errors():
    cdef object v = Num(5)
    try:
        v %= 0                           # raised in the nogil method
    except ZeroDivisionError as e:
        assert str(e) == "Num modulo by zero"
    else:
        assert False
    assert v.x == 5
    try:
        v += "a"                         # argument conversion
    except TypeError:
        pass
    else:
        assert False
    cdef object m = Modular(2)
    try:
        m += 1                           # neither __iadd__ nor __add__
    except TypeError as e:
        assert "unsupported operand" in str(e)
    else:
        assert False


cdef class OnlyAdd nogil:
    cdef public long x
    def __init__(self, long x=0):
        self.x = x
    def __add__(self, long k) -> OnlyAdd:
        return OnlyAdd(self.x + k)


def test_inplace_falls_back_to_binary_operator():
    cdef object v = OnlyAdd(1)
    cdef object orig = v
    v += 2                               # no __iadd__: Python's `v = v + 2`
    assert v.x == 3 and orig.x == 1 and v is not orig


# ---------------------------------------------------------------- iteration
cdef class Bag nogil:
    """Iterable: __iter__ returns an iterator object (defined below, after this class)."""
    cdef long n

    def __init__(self, long n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, long i) -> long:   # not used for iteration: __iter__ wins
        if i >= self.n:
            raise IndexError("bag index")
        return -1

    def __iter__(self) -> BagIter:
        return BagIter(self)


cdef class BagIter nogil:
    cdef Bag bag
    cdef long i

    def __init__(self, Bag bag):
        self.bag = bag

    def __next__(self) -> long:
        if self.i >= self.bag.n:
            raise StopIteration
        if self.bag.n == 99 and self.i == 2:
            raise ValueError("bag broke at 2")
        self.i += 1
        return (self.i - 1) * 10


cdef class Countdown nogil:
    """Its own iterator (no __iter__)."""
    cdef long n

    def __init__(self, long n):
        self.n = n

    def __next__(self) -> long:
        if self.n <= 0:
            raise StopIteration()
        self.n -= 1
        return self.n + 1


cdef class Chain nogil:
    """Items are nogil objects: they come out as wrappers."""
    cdef Node head

    def __init__(self, long n):
        cdef long i
        for i in range(n, 0, -1):
            node = Node(i)
            node.next = self.head
            self.head = node

    def __iter__(self) -> ChainIter:
        return ChainIter(self.head)


cdef class ChainIter nogil:
    cdef Node cur

    def __init__(self, Node head):
        self.cur = head

    def __iter__(self) -> ChainIter:     # a Pythonic iterator: __iter__ returns self
        return self

    def __next__(self) -> Node:
        if self.cur is None:
            raise StopIteration
        node = self.cur
        self.cur = node.next
        return node


ctypedef long* long_ptr


cdef class Opaque nogil:
    cdef long n
    def __iter__(self) -> OpaqueIter:
        return OpaqueIter()


cdef class OpaqueIter nogil:
    cdef long n
    def __next__(self) -> long_ptr:      # items with no Python conversion
        raise StopIteration


def test_iteration_uses_iter_not_getitem():
    cdef object b = Bag(3)
    assert list(b) == [0, 10, 20]
    assert [x for x in b] == [0, 10, 20]
    assert sum(b) == 30
    assert list(Bag(0)) == []
    it = iter(b)
    assert type(it) is BagIter
    assert iter(it) is it
    assert next(it) == 0 and next(it) == 10 and next(it) == 20
    for _ in range(2):
        try:
            next(it)
        except StopIteration:
            pass
        else:
            assert False
    assert list(b) == [0, 10, 20]        # a new iterator each time


def test_iteration_error_propagates():
    cdef object b = Bag(99)
    got = []
    try:
        for x in b:
            got.append(x)
    except ValueError as e:
        assert str(e) == "bag broke at 2"
    else:
        assert False
    assert got == [0, 10]


def test_own_iterator_on_the_wrapper():
    cdef object c = Countdown(3)
    assert iter(c) is c
    assert next(c) == 3
    assert list(c) == [2, 1]
    assert list(c) == []                 # exhausted, as a Python iterator


def test_iteration_items_are_wrappers():
    cdef object ch = Chain(3)
    items = list(ch)
    assert [type(n) for n in items] == [Node, Node, Node]
    assert [n.v for n in items] == [1, 2, 3]
    assert items[0].next == items[1]     # the same nogil objects
    it = iter(ch)
    assert iter(it) is it                # ChainIter.__iter__ returns self: the same wrapper


def test_iteration_without_conversion_is_type_error():
    try:
        list(Opaque())
    except TypeError:
        pass
    else:
        assert False


# ---------------------------------------------------------------- len
cdef class Sized nogil:
    cdef long n
    def __init__(self, long n):
        self.n = n
    def __len__(self):
        return self.n


def test_negative_len_is_value_error():
    assert len(Sized(2)) == 2 and bool(Sized(2)) and not Sized(0)
    for f in (len, bool):
        try:
            f(Sized(-3))
        except ValueError as e:
            assert str(e) == "__len__() should return >= 0"
        else:
            assert False


# ---------------------------------------------------------------- pickling in subclasses
cdef class R nogil:
    cdef public long v
    def __init__(self, long v=0):
        self.v = v
    def __reduce__(self):
        return (type(self), (self.v,))


cdef class RSub(R) nogil:
    pass


cdef class RSubSub(RSub) nogil:
    cdef long extra


cdef class Plain nogil:
    cdef long v


cdef class PlainSub(Plain) nogil:
    pass


def test_subclass_inherits_reduce():
    p = pickle.loads(pickle.dumps(RSub(3)))
    assert type(p) is RSub and p.v == 3
    q = pickle.loads(pickle.dumps(RSubSub(4)))
    assert type(q) is RSubSub and q.v == 4
    r = pickle.loads(pickle.dumps(R(5)))
    assert type(r) is R and r.v == 5


def test_subclass_without_reduce_refuses_pickling():
    for o in (Plain(), PlainSub()):
        try:
            pickle.dumps(o)
        except TypeError as e:
            assert str(e) == "cannot pickle %s objects: nogil class without __reduce__" % type(o).__name__
        else:
            assert False


# ---------------------------------------------------------------- del of fields
def test_del_reference_field_sets_none():
    cdef object o = Node(1)
    o.next = Node(2)
    del o.next
    assert o.next is None
    del o.next                           # already None: stays None
    assert o.next is None
    try:
        del o.v                          # a C field cannot be deleted, as in Cython
    except NotImplementedError:
        pass
    else:
        assert False
    try:
        del o.ro_next                    # readonly
    except AttributeError:
        pass
    else:
        assert False


# ---------------------------------------------------------------- not None arguments
cdef class S nogil:
    cdef long n
    def __init__(self, long n=0):
        self.n = n


def get_not_none(S s not None):
    return s.n


def get_or_none(S s or None):
    return -1 if s is None else s.n


def get_two(long k, S a not None, S b=None):
    return k + a.n + (0 if b is None else b.n)


def with_body(S s not None, long k):
    """The docstring stays the docstring."""
    cdef long r
    r = s.n + k
    return r


def test_not_none_argument_before_declarations_and_docstring():
    assert with_body(S(1), 2) == 3
    assert with_body.__doc__ == "The docstring stays the docstring."
    try:
        with_body(None, 2)
    except TypeError as e:
        assert str(e) == "Argument 's' must not be None"
    else:
        assert False


def test_not_none_argument():
    assert get_not_none(S(4)) == 4
    try:
        get_not_none(None)
    except TypeError as e:
        assert str(e) == "Argument 's' must not be None"
    else:
        assert False
    try:
        get_not_none(5)
    except TypeError:
        pass
    else:
        assert False
    assert get_or_none(None) == -1 and get_or_none(S(2)) == 2
    assert get_two(1, S(2)) == 3 and get_two(1, S(2), S(3)) == 6
    try:
        get_two(1, None)
    except TypeError as e:
        assert str(e) == "Argument 'a' must not be None"
    else:
        assert False


# ---------------------------------------------------------------- hash
cdef class EqOnly nogil:
    cdef long x
    def __eq__(self, EqOnly o):
        return o is not None and self.x == o.x


def test_eq_without_hash_is_unhashable():
    cdef object e = EqOnly()
    assert e == EqOnly()
    try:
        hash(e)
    except TypeError as err:
        assert "unhashable" in str(err)
    else:
        assert False


# ---------------------------------------------------------------- tracebacks and docstrings
cdef class Checked nogil:
    """A value that must not be negative."""
    cdef public long v

    def __init__(self, long v=0):
        if v < 0:
            raise ValueError("negative")
        self.v = v

    cpdef long halve(self):
        """Half of the value; odd values are refused."""
        if self.v % 2:
            raise ValueError("odd")
        return self.v // 2

    cpdef long fail(self):
        raise KeyError(self.v)


def _line_of(source_text):
    import os
    with open(os.path.join(os.path.dirname(__file__) or ".", "nogil_wrapper_protocols.pyx")) as f:
        return [i + 1 for i, line in enumerate(f) if line.rstrip() == source_text]


def _wrapper_frames(call):
    import traceback
    try:
        call()
    except Exception as e:
        # (after this function's frame and the lambda's)
        return [(f.name, f.lineno) for f in traceback.extract_tb(e.__traceback__)][2:]
    raise AssertionError("no exception")


def test_tracebacks_name_each_wrapper_method_at_its_line():
    # each method's own frame (Python code objects are cached per line: methods placed on
    # the class's line shared the first one's name)
    import sys
    wrapper = getattr(sys.modules[__name__], "Checked")   # (the name alone is the nogil class)
    fail = _wrapper_frames(lambda: wrapper(1).fail())
    halve = _wrapper_frames(lambda: wrapper(3).halve())
    init = _wrapper_frames(lambda: wrapper(-1))
    assert fail[0] == ("nogil_wrapper_protocols.Checked.fail", _line_of("    cpdef long fail(self):")[0])
    assert halve[0] == ("nogil_wrapper_protocols.Checked.halve", _line_of("    cpdef long halve(self):")[0])
    assert init[0] == ("nogil_wrapper_protocols.Checked.__init__", _line_of("    def __init__(self, long v=0):")[-1])
    assert init[-1][0] == "Checked.__init__"        # the nogil constructor's frame, not `<init>`


def test_docstrings_of_class_and_cpdef_methods():
    import sys
    wrapper = getattr(sys.modules[__name__], "Checked")
    assert wrapper.__doc__ == "A value that must not be negative."
    assert wrapper.halve.__doc__ == "Half of the value; odd values are refused."
    assert wrapper.fail.__doc__ is None
