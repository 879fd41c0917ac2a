# distutils: language = c++
"""lib.set[T] from Cython nogil code, checked against Python's set doing the same."""
from cyn cimport lib


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
    assert
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
