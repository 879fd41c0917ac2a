# distutils: language = c++
"""An operator applied to a None nogil reference raises the TypeError Python raises for it,
with Python's message; `a == b` with `a` None compares by identity, as Python compares None
(docs/nogil-classes.md, "None checks")."""
from cyn cimport lib


cdef class P nogil:
    cdef long v
    cdef P next
    cdef lib.string name

    def __init__(self, long v=0):
        self.v = v

    def __eq__(self, P o):
        return o is not None and self.v == o.v

    def __lt__(self, P o):
        return self.v < o.v

    def __add__(self, long k) -> long:
        return self.v + k

    def __rmul__(self, long k) -> long:
        return self.v * k

    def __neg__(self) -> long:
        return -self.v

    def __call__(self, long k) -> long:
        return self.v + k


cdef bint eq(P a, P b) except -1 nogil:
    return a == b
cdef bint ne(P a, P b) except -1 nogil:
    return a != b
cdef bint lt(P a, P b) except -1 nogil:
    return a < b
cdef bint gt(P a, P b) except -1 nogil:
    return a > b                 # b.__lt__(a): None on the right of the operator
cdef long add(P a) except? -1 nogil:
    return a + 1
cdef long rmul(P a) except? -1 nogil:
    return 3 * a
cdef long neg(P a) except? -1 nogil:
    return -a
cdef long call(P a) except? -1 nogil:
    return a(1)
cdef long total(lib.list[long] xs) except? -1 nogil:
    cdef long t = 0
    for x in xs:
        t += x
    return t
cdef long length(lib.list[long] xs) except? -1 nogil:
    return len(xs)
cdef long first(lib.list[long] xs) except? -1 nogil:
    return xs[0]
cdef long head(lib.list[long] xs) except? -1 nogil:
    return len(xs[:1])
cdef int store(lib.list[long] xs) except -1 nogil:
    xs[0] = 1
    return 0
cdef int delete(lib.list[long] xs) except -1 nogil:
    del xs[0]
    return 0
cdef bint contains(lib.list[long] xs) except -1 nogil:
    return 3 in xs
cdef long concat(lib.list[long] xs) except? -1 nogil:
    return len(xs + xs)
cdef int extend_in_place(lib.list[long] xs) except -1 nogil:
    xs += xs
    return 0


def _type_error(f, arg):
    try:
        f(arg)
    except TypeError as e:
        return str(e)
    raise AssertionError("no TypeError")


def test_operators_on_none_raise_pythons_type_errors():
    assert _type_error(lambda p: lt(p, P()), None) == "'<' not supported between instances of 'NoneType' and 'P'"
    assert _type_error(lambda p: gt(P(), p), None) == "'>' not supported between instances of 'P' and 'NoneType'"
    assert _type_error(lambda x: add(x), None) == "unsupported operand type(s) for +: 'NoneType' and 'int'"
    assert _type_error(lambda x: rmul(x), None) == "unsupported operand type(s) for *: 'int' and 'NoneType'"
    assert _type_error(lambda x: neg(x), None) == "bad operand type for unary -: 'NoneType'"
    assert _type_error(lambda x: call(x), None) == "'NoneType' object is not callable"


def test_container_operators_on_none_raise_pythons_type_errors():
    assert _type_error(lambda x: total(x), None) == "'NoneType' object is not iterable"
    assert _type_error(lambda x: length(x), None) == "object of type 'NoneType' has no len()"
    assert _type_error(lambda x: first(x), None) == "'NoneType' object is not subscriptable"
    assert _type_error(lambda x: head(x), None) == "'NoneType' object is not subscriptable"
    assert _type_error(lambda x: store(x), None) == "'NoneType' object does not support item assignment"
    assert _type_error(lambda x: delete(x), None) == "'NoneType' object does not support item deletion"
    assert _type_error(lambda x: contains(x), None) == "argument of type 'NoneType' is not iterable"
    assert _type_error(lambda x: concat(x), None) == "unsupported operand type(s) for +: 'NoneType' and 'list'"
    assert _type_error(lambda x: extend_in_place(x), None) == "unsupported operand type(s) for +=: 'NoneType' and 'list'"


def test_none_on_the_left_of_equality_is_identity():
    assert eq(None, None) and not ne(None, None)
    assert not eq(None, P(1)) and ne(None, P(1))
    assert not eq(P(1), None) and ne(P(1), None)       # P.__eq__ gets None
    assert eq(P(1), P(1)) and not ne(P(1), P(1))


cdef int evaluations = 0

cdef P counted(P p) noexcept nogil:
    global evaluations
    evaluations += 1
    return p


cdef (bint, bint, bint, bint) equal_parts(P a, P b, lib.list[lib.string] words) except * nogil:
    # left operands that are not names: evaluated once, None compared by identity
    return (a.next == b.next, counted(a) == counted(b), a.name == b.name,
            words[0] == words[1])


def test_left_operands_that_are_not_names():
    global evaluations
    a, b = P(1), P(1)
    evaluations = 0
    assert equal_parts(a, b, ["x", "x"]) == (True, True, True, True)   # None == None, names both None
    assert evaluations == 2
    a.next = P(5)
    assert equal_parts(a, b, ["x", "y"]) == (False, True, True, False)
    b.next = P(5)
    assert equal_parts(a, b, ["x", "x"])[0]


cdef long sum_of(lib.list[long] xs) except? -1 nogil:
    return sum(xs)
cdef long max_key(lib.dict[long, long] d) except? -1 nogil:
    return max(d)
cdef long sorted_len(lib.set[long] s) except? -1 nogil:
    return len(sorted(s))


def test_aggregates_of_none_are_type_errors():
    for f in (lambda: sum_of(None), lambda: max_key(None), lambda: sorted_len(None)):
        try:
            f()
        except TypeError as e:
            assert str(e) == "'NoneType' object is not iterable"
        else:
            assert False
