# distutils: language = c++
"""lib.dict[K, V] from Cython nogil code, checked against Python's dict doing the same."""
from cyn cimport lib


cdef lib.dict[long, long] squares_by_root(long n) nogil:
    d = lib.dict[long, long]()
    for i in range(n):
        d[i] = i * i
    return d


def test_setitem_getitem_len_contains():
    cdef lib.dict[long, long] d = squares_by_root(20)
    py = {i: i * i for i in range(20)}
    assert len(d) == len(py) == 20
    for k in range(-5, 25):
        assert (k in d) == (k in py)
        assert (k not in d) == (k not in py)
        if k in py:
            assert d[k] == py[k]
    d[3] = -3
    py[3] = -3
    assert d.to_py() == py


def test_key_error_like_python():
    cdef lib.dict[long, long] d = squares_by_root(3)
    try:
        d[7]
    except KeyError as e:
        assert e.args == (7,)
        assert str(e) == str(KeyError(7))
    else:
        assert False
    try:
        del d[-1]
    except KeyError as e:
        assert e.args == (-1,)
    else:
        assert False
    cdef lib.dict[lib.string, long] s = lib.dict[lib.string, long]()
    try:
        s[lib.string(b"missing")]
    except KeyError as e:
        assert e.args == ("missing",)
        assert str(e) == str(KeyError("missing"))
    else:
        assert False


cdef lib.list[long] keys_in_order(lib.dict[long, long] d) nogil:
    out = lib.list[long]()
    for k in d:
        out.append(k)
    return out


cdef lib.list[long] values_in_order(lib.dict[long, long] d) nogil:
    out = lib.list[long]()
    for v in d.values():
        out.append(v)
    return out


cdef lib.list[long] items_flat(lib.dict[long, long] d) nogil:
    out = lib.list[long]()
    for k, v in d.items():
        out.append(k)
        out.append(v)
    return out


def test_iteration_in_insertion_order():
    cdef lib.dict[long, long] d = lib.dict[long, long]()
    py = {}
    for k in (5, 1, 9, 3, 7):
        d[k] = k * 10
        py[k] = k * 10
    del d[9]
    del py[9]
    d[9] = 0          # re-inserted: goes last
    py[9] = 0
    d[1] = 11         # overwritten: keeps its place
    py[1] = 11
    assert keys_in_order(d).to_py() == list(py)
    assert values_in_order(d).to_py() == list(py.values())
    flat = []
    for k, v in py.items():
        flat += [k, v]
    assert items_flat(d).to_py() == flat
    assert d.keys_list().to_py() == list(py.keys())
    assert d.values_list().to_py() == list(py.values())


cdef void insert_while_iterating(lib.dict[long, long] d) except * nogil:
    for k in d:
        d[k + 1000] = 0


def test_mutation_during_iteration_raises():
    cdef lib.dict[long, long] d = squares_by_root(3)
    try:
        insert_while_iterating(d)
    except RuntimeError as e:
        assert str(e) == "dictionary changed size during iteration"
    else:
        assert False
    py = {0: 0, 1: 1}
    try:
        for k in py:
            py[k + 1000] = 0
    except RuntimeError as e:
        assert str(e) == "dictionary changed size during iteration"


def test_methods_against_python():
    cdef lib.dict[long, long] d = squares_by_root(5)
    py = {i: i * i for i in range(5)}
    assert d.get(2, -1) == py.get(2, -1)
    assert d.get(20, -1) == py.get(20, -1)
    assert d.pop(2) == py.pop(2)
    assert d.pop(2, -7) == py.pop(2, -7)
    assert d.setdefault(3, 0) == py.setdefault(3, 0)
    assert d.setdefault(30, 5) == py.setdefault(30, 5)
    cdef lib.dict[long, long] other = lib.dict[long, long]()
    other[100] = 1
    other[0] = 42
    d.update(other)
    py.update({100: 1, 0: 42})
    assert d.to_py() == py
    assert list(d.to_py()) == list(py)
    cdef lib.dict[long, long] c = d.copy()
    assert c == d and not (c != d)
    c[0] = 0
    assert c != d
    d.clear()
    py.clear()
 
    try:
        d.pop(1)
