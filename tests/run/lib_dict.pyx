# distutils: language = c++
"""lib.dict[K, V] from Cython nogil code, checked against Python's dict doing the same."""
from cyn cimport lib

from python_errors import raised, raised_py


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
    assert d.to_py() == py == {}
    try:
        d.pop(1)
    except KeyError as e:
        assert e.args == (1,)
    else:
        assert False


cdef long count_words(lib.list[lib.string] words, lib.dict[lib.string, long] counts) nogil:
    for w in words:
        if w in counts:
            counts[w] += 1
        else:
            counts[w] = 1
    return len(counts)


def test_string_keys_by_content():
    cdef lib.dict[lib.string, long] counts = lib.dict[lib.string, long]()
    cdef lib.list[lib.string] words = ["a", "b", "a", "c", "a", "b"]
    assert count_words(words, counts) == 3
    py = {}
    for w in ["a", "b", "a", "c", "a", "b"]:
        py[w] = py.get(w, 0) + 1
    assert counts.to_py() == py
    assert counts[lib.string(b"a")] == 3


def test_conversion_from_python():
    cdef lib.dict[lib.string, double] d = {"x": 1.5, "y": 2.0}
    assert d.to_py() == {"x": 1.5, "y": 2.0}
    assert d[lib.string(b"y")] == 2.0
    try:
        d = [1, 2]
    except TypeError:
        pass
    else:
        assert False


cdef long lookup_in_nogil(lib.dict[lib.string, long] d) except -1 nogil:
    total = d[lib.string(b"a")]
    total += d[lib.string(b"zz")]          # KeyError from nogil code
    return total


def test_key_error_from_nogil_function():
    cdef lib.dict[lib.string, long] d = {"a": 1}
    try:
        lookup_in_nogil(d)
    except KeyError as e:
        assert e.args == ("zz",)
    else:
        assert False


def make_dict():
    cdef lib.dict[lib.string, long] d = {"a": 1, "b": 2}
    return d


def test_dict_crossing_to_python_is_a_live_view():
    view = make_dict()
    assert len(view) == 2
    assert view["a"] == 1 and view[b"b"] == 2
    assert list(view) == ["a", "b"]
    assert "a" in view and "z" not in view
    try:
        view["z"]
    except KeyError as e:
        assert e.args == ("z",)
    else:
        assert False
    cdef lib.dict[lib.string, long] same = view
    same[lib.string(b"c")] = 3
    assert view["c"] == 3 and view.to_py() == {"a": 1, "b": 2, "c": 3}


def dict_update(lib.dict[long, long] d, lib.dict[long, long] other):
    with nogil:
        d.update(other)


def dict_update_literal_none(lib.dict[long, long] d):
    d.update(None)


def dict_popitem(lib.dict[long, long] d):
    return d.popitem()


cdef long pop_all(lib.dict[long, long] d) except -1 nogil:
    cdef long total = 0
    while len(d):
        item = d.popitem()
        total = total * 10 + item.first
    return total


def test_update_none_and_popitem_like_python():
    cdef lib.dict[long, long] d = {1: 10, 2: 20}
    assert raised(dict_update, d, None) == raised_py("{1: 10}.update(None)")
    assert raised(dict_update_literal_none, d) == raised_py("{1: 10}.update(None)")
    py = {1: 10, 2: 20}
    assert dict_popitem(d) == py.popitem()
    assert d.to_py() == py
    assert dict_popitem(d) == py.popitem()
    assert raised(dict_popitem, d) == raised_py("{}.popitem()")
    d = {1: 1, 2: 2, 3: 3}
    assert pop_all(d) == 321 and len(d) == 0


def list_key(lib.dict[lib.list[long], long] d, lib.list[long] key):
    with nogil:
        d[key] = 5
    return len(d)


def set_of_sets(lib.set[lib.set[long]] s, lib.set[long] member):
    with nogil:
        s.add(member)


def test_containers_are_unhashable_like_python():
    cdef lib.dict[lib.list[long], long] d = lib.dict[lib.list[long], long]()
    assert raised(list_key, d, [1]) == raised_py("{}[[1]] = 5")
    assert len(d) == 0
    assert list_key(d, None) == 1                 # None is a key, as in Python
    cdef lib.set[lib.set[long]] s = lib.set[lib.set[long]]()
    assert raised(set_of_sets, s, {1}) == raised_py("{1}.add(set())")


def list_key_in(lib.dict[lib.list[long], long] d, lib.list[long] key):
    cdef bint found
    with nogil:
        found = key in d
    return found


def test_an_empty_dict_refuses_unhashable_keys_too():
    cdef lib.dict[lib.list[long], long] d = lib.dict[lib.list[long], long]()
    assert raised(list_key_in, d, [1]) == raised_py("[1] in {}")


def missing(lib.dict[lib.string, long] d, lib.string key):
    with nogil:
        d[key]


def test_missing_key_that_is_not_utf8():
    cdef lib.dict[lib.string, long] d = {"a": 1}
    for key in (b"\xff", b"\xc3\xa9\xff", b"it's \xfe\"", b"\xff\n"):
        try:
            missing(d, key)
        except KeyError as e:
            assert e.args == (key,)             # no str for it: its bytes
        else:
            assert False
    try:
        missing(d, "é")
    except KeyError as e:
        assert e.args == ("é",)


def test_view_lookup_with_a_key_of_another_type():
    cdef lib.dict[lib.string, long] d = {"a": 1}
    cdef object view = d
    py = {"a": 1}
    assert (5 in view) == (5 in py)
    for key in (5, None, 2.5, ("a",), [1], "zz"):
        # (py.__getitem__: Cython's own d[None] raises KeyError without the key)
        assert raised(view.__getitem__, key) == raised(py.__getitem__, key), key
    cdef lib.dict[lib.string, lib.string] texts = {"a": None, "b": "x"}     # None converts
    assert texts.to_py() == {"a": None, "b": "x"}


cdef long views_in_nogil_code(lib.dict[long, long] d) except -1 nogil:
    ks = d.keys()
    vs = d.values()
    its = d.items()
    cdef long walked = 0
    for round in range(2):              # a view iterates again and again
        for k in ks:
            walked += k
        for k, v in its:
            walked += v
    d[5] = 50                           # live: the views see the new key
    return (walked * 1000 + len(ks) * 100 + len(vs) * 10 + len(its)
            + (5 in ks) * 1000000 + (50 in vs) * 10000000 + (7 in ks) * 100000000)


def test_keys_values_items_are_live_views():
    d = {1: 10, 3: 30}
    cdef lib.dict[long, long] ld = d
    walked = 2 * (sum(d.keys()) + sum(v for k, v in d.items()))
    ks, vs, its = d.keys(), d.values(), d.items()
    d[5] = 50
    expected = (walked * 1000 + len(ks) * 100 + len(vs) * 10 + len(its)
                + (5 in ks) * 1000000 + (50 in vs) * 10000000 + (7 in ks) * 100000000)
    assert views_in_nogil_code(ld) == expected


def test_views_convert_to_python_lists():
    cdef lib.dict[lib.string, long] d = {"b": 2, "a": 1}
    py = {"b": 2, "a": 1}
    assert d.keys().to_py() == list(py.keys())
    assert d.values().to_py() == list(py.values())
    assert d.items().to_py() == list(py.items())


cdef long dict_aggregates(lib.dict[long, long] d) except? -1 nogil:
    return (sum(d.values()) * 1000000 + max(d.values()) * 10000 + min(d) * 1000 + sum(d) * 100
            + sum(d.keys(), 5))


cdef lib.list[long] dict_sorted(lib.dict[long, long] d) except * nogil:
    xs = sorted(d)
    xs.extend(sorted(d.keys(), reverse=True))
    xs.extend(sorted(d.values()))
    return xs


def test_sum_min_max_sorted_of_a_dict_and_its_views():
    d = {3: 7, 1: 9, 2: 8}
    assert dict_aggregates(d) == (sum(d.values()) * 1000000 + max(d.values()) * 10000 + min(d) * 1000
                                  + sum(d) * 100 + sum(d.keys(), 5))
    assert dict_sorted(d).to_py() == sorted(d) + sorted(d.keys(), reverse=True) + sorted(d.values())
    try:
        dict_aggregates({})
    except ValueError as e:
        assert str(e) == "max() arg is an empty sequence"
    else:
        assert False


cdef long negated(long v) noexcept nogil:
    return -v


cdef lib.list[long] sorted_by_key(lib.dict[long, long] d, lib.set[long] s) except * nogil:
    out = sorted(d, key=negated)
    out.extend(sorted(d.values(), key=negated))
    out.extend(sorted(s, key=negated))
    return out


def test_sorted_with_a_key_of_dicts_views_and_sets():
    d = {1: 10, 3: 30, 2: 20}
    assert sorted_by_key(d, {5, 4}).to_py() == [3, 2, 1, 30, 20, 10, 5, 4]
