# distutils: language = c++
"""lib.set[T] from Cython nogil code, checked against Python's set doing the same."""
from cyn cimport lib

from python_errors import raised, raised_py


cdef lib.set[long] multiples(long k, long n) nogil:
    s = lib.set[long]()
    for i in range(n):
        s.add(i * k)
    return s


def py_multiples(k, n):
    return {i * k for i in range(n)}


def test_add_len_contains():
    cdef lib.set[long] s = multiples(3, 10)
    py = py_multiples(3, 10)
    assert len(s) == len(py)
    for v in range(-2, 40):
        assert (v in s) == (v in py)
        assert (v not in s) == (v not in py)
    s.add(3)
    assert len(s) == len(py)


def test_remove_discard_pop():
    cdef lib.set[long] s = multiples(2, 4)
    py = py_multiples(2, 4)
    s.discard(4)
    py.discard(4)
    s.discard(99)
    py.discard(99)
    s.remove(0)
    py.remove(0)
    assert s.to_py() == py
    try:
        s.remove(99)
    except KeyError as e:
        assert e.args == (99,)
    else:
        assert False
    popped = s.pop()
    assert popped in py
    py.remove(popped)
    assert s.to_py() == py
    s.clear()
    try:
        s.pop()
    except KeyError as e:
        assert str(e) == str(KeyError('pop from an empty set'))
    else:
        assert False


def test_algebra_against_python():
    cdef lib.set[long] a = multiples(2, 10)
    cdef lib.set[long] b = multiples(3, 10)
    pa, pb = py_multiples(2, 10), py_multiples(3, 10)
    assert (a | b).to_py() == pa | pb
    assert (a & b).to_py() == pa & pb
    assert (a - b).to_py() == pa - pb
    assert (a ^ b).to_py() == pa ^ pb
    assert a.intersection(b).to_py() == pa.intersection(pb)
    assert a.difference(b).to_py() == pa.difference(pb)
    assert a.symmetric_difference(b).to_py() == pa.symmetric_difference(pb)
    assert a.isdisjoint(b) == pa.isdisjoint(pb)
    cdef lib.set[long] small = a & b
    assert (small <= a) and small.issubset(a) and (a >= small) and a.issuperset(small)
    assert not (a <= small)
    cdef lib.set[long] c = a.copy()
    assert c == a and not (c != a)
    c.update(b)
    pc = set(pa)
    pc.update(pb)
    assert c.to_py() == pc
    c.intersection_update(b)
    pc.intersection_update(pb)
    assert c.to_py() == pc
    c.difference_update(a)
    pc.difference_update(pa)
    assert c.to_py() == pc
    c.symmetric_difference_update(b)
    pc.symmetric_difference_update(pb)
    assert c.to_py() == pc


cdef long sum_set(lib.set[long] s) nogil:
    cdef long total = 0
    for x in s:
        total += x
    return total


cdef void grow_while_iterating(lib.set[long] s) except * nogil:
    for x in s:
        s.add(x + 1000)


def test_iteration():
    cdef lib.set[long] s = multiples(5, 7)
    assert sum_set(s) == sum(py_multiples(5, 7))
    assert s.to_list().to_py() == [0, 5, 10, 15, 20, 25, 30]     # insertion order
    try:
        grow_while_iterating(s)
    except RuntimeError as e:
        assert "changed size during iteration" in str(e)
    else:
        assert False


def test_string_members_and_conversion():
    cdef lib.set[lib.string] words = ["a", "b", "a"]
    assert len(words) == 2
    assert lib.string(b"a") in words
    assert lib.string(b"z") not in words
    assert words.to_py() == {"a", "b"}


def make_set():
    cdef lib.set[long] s = [3, 1, 3, 2]
    return s


def test_set_crossing_to_python_is_a_live_view():
    view = make_set()
    assert len(view) == 3
    assert list(view) == [3, 1, 2]             # insertion order
    assert 1 in view and 7 not in view
    assert view.to_py() == {1, 2, 3}
    cdef lib.set[long] same = view
    same.add(7)
    assert 7 in view and len(view) == 4


def set_or(lib.set[long] a, lib.set[long] b):
    return a | b


def set_and(lib.set[long] a, lib.set[long] b):
    return a & b


def set_sub(lib.set[long] a, lib.set[long] b):
    return a - b


def set_xor(lib.set[long] a, lib.set[long] b):
    with nogil:
        a = a ^ b
    return a


def set_ior(lib.set[long] a, lib.set[long] b):
    a |= b


def set_iand(lib.set[long] a, lib.set[long] b):
    a &= b


def set_isub(lib.set[long] a, lib.set[long] b):
    a -= b


def set_ixor(lib.set[long] a, lib.set[long] b):
    with nogil:
        a ^= b


def set_compare(lib.set[long] a, lib.set[long] b):
    cdef bint lt, le, gt, ge
    with nogil:
        lt = a < b
        le = a <= b
        gt = a > b
        ge = a >= b
    return lt, le, gt, ge


def set_lt(lib.set[long] a, lib.set[long] b):
    return a < b


def set_le(lib.set[long] a, lib.set[long] b):
    return a <= b


def set_gt(lib.set[long] a, lib.set[long] b):
    return a > b


def set_ge(lib.set[long] a, lib.set[long] b):
    return a >= b


def set_methods_with_none(lib.set[long] a):
    return [raised(lambda: a.union(None)), raised(lambda: a.intersection(None)),
            raised(lambda: a.difference(None)), raised(lambda: a.symmetric_difference(None)),
            raised(lambda: a.update(None)), raised(lambda: a.intersection_update(None)),
            raised(lambda: a.difference_update(None)), raised(lambda: a.symmetric_difference_update(None)),
            raised(lambda: a.issubset(None)), raised(lambda: a.issuperset(None)),
            raised(lambda: a.isdisjoint(None))]


def test_none_arguments_raise_like_python():
    cdef lib.set[long] a = {1, 2}
    for f, op in ((set_or, "|"), (set_and, "&"), (set_sub, "-"), (set_xor, "^"), (set_ior, "|="),
                  (set_iand, "&="), (set_isub, "-="), (set_ixor, "^="), (set_lt, "<"), (set_le, "<="),
                  (set_gt, ">"), (set_ge, ">=")):
        code = "a = {1, 2}; a %s None" % op if op.endswith("=") and op not in ("<=", ">=") else "{1, 2} %s None" % op
        assert raised(f, a, None) == raised_py(code), op
    methods = ["union", "intersection", "difference", "symmetric_difference", "update", "intersection_update",
               "difference_update", "symmetric_difference_update", "issubset", "issuperset", "isdisjoint"]
    assert set_methods_with_none(a) == [raised_py("{1, 2}.%s(None)" % m) for m in methods]
    assert a.to_py() == {1, 2}


def test_union_and_proper_subsets_like_python():
    sets = [set(), {1}, {1, 2}, {2, 3}, {1, 2, 3}]
    for pa in sets:
        for pb in sets:
            assert set_compare(pa, pb) == (pa < pb, pa <= pb, pa > pb, pa >= pb), (pa, pb)
            assert set_union(pa, pb) == pa.union(pb)


def set_union(lib.set[long] a, lib.set[long] b):
    with nogil:
        a = a.union(b)
    return a.to_py()


def test_in_place_operators_change_the_same_set():
    cdef lib.set[long] a = {1, 2, 3}
    cdef lib.set[long] alias = a
    cdef lib.set[long] b = {3, 4}
    py = {1, 2, 3}
    py_alias = py
    a |= b
    py |= {3, 4}
    assert alias.to_py() == py_alias
    a &= b
    py &= {3, 4}
    assert alias.to_py() == py_alias
    cdef lib.set[long] c = {4, 5}
    a ^= c
    py ^= {4, 5}
    assert alias.to_py() == py_alias
    a -= b
    py -= {3, 4}
    assert alias.to_py() == py_alias == {5}
    a |= a
    a -= a
    assert len(alias) == 0
