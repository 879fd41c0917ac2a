# distutils: language = c++
"""The Python views of lib containers (a container crossing to Python by itself), checked
against what Python's list, dict and set give for the same operations."""
import collections.abc
from fractions import Fraction

from cyn cimport lib

from python_errors import raised


cdef class Holder nogil:
    cdef public lib.list[long] xs
    cdef public lib.dict[lib.string, long] d
    cdef public lib.set[long] s
    cdef public lib.string name

    def __init__(self):
        self.xs = lib.list[long]()
        self.d = lib.dict[lib.string, long]()
        self.s = lib.set[long]()


def view_list(o):
    cdef lib.list[long] xs = o
    return xs


def view_floats(o):
    cdef lib.list[double] xs = o
    return xs


def view_bools(o):
    cdef lib.list[bint] xs = o
    return xs


def view_texts(o):
    cdef lib.list[lib.string] xs = o
    return xs


def view_dict(o):
    cdef lib.dict[lib.string, long] d = o
    return d


def view_int_dict(o):
    cdef lib.dict[long, long] d = o
    return d


def view_set(o):
    cdef lib.set[long] s = o
    return s


def view_float_set(o):
    cdef lib.set[double] s = o
    return s


def append_to(lib.list[long] xs, long v):
    xs.append(v)


def put(lib.dict[lib.string, long] d, lib.string key, long value):
    d[key] = value


def byte_length(lib.string s):
    return len(s)


def same_string(lib.string a, lib.string b):
    return a == b


def error_type(f, *args):
    outcome = raised(f, *args)
    return outcome and outcome[0]


# ---- list views: indexing and slicing -------------------------------------------------------

def test_negative_indices_are_applied_once():
    for items in ([], [10], [10, 20], [10, 20, 30]):
        view, py = view_list(items), list(items)
        for i in range(-5, 5):
            assert raised(view.__getitem__, i) == raised(py.__getitem__, i), (items, i)
            if -len(py) <= i < len(py):
                assert view[i] == py[i]


def test_index_types_as_a_list_takes_them():
    class Index:
        def __index__(self):
            return 1
    view, py = view_list([5, 6]), [5, 6]
    for key in (True, False, Index(), 10**30, -10**30, "1", 1.0, None, (1,)):
        assert raised(view.__getitem__, key) == raised(py.__getitem__, key), key
    assert view[True] == 6 and view[Index()] == 6


def test_slices_are_python_lists():
    py = [1, 2, 3, 4, 5]
    view = view_list(py)
    bounds = (None, -7, -3, -1, 0, 1, 2, 4, 5, 9)
    for start in bounds:
        for stop in bounds:
            for step in (None, 1, 2, 3, -1, -2):
                s = slice(start, stop, step)
                got = view[s]
                assert type(got) is list and got == py[s], s
    assert raised(view.__getitem__, slice(None, None, 0)) == raised(py.__getitem__, slice(None, None, 0))
    copy = view[:]
    copy.append(99)                            # a copy: the container is unchanged
    assert len(view) == 5


def test_reversed_index_and_count():
    py = [3, 1, 3, 2]
    view = view_list(py)
    assert list(reversed(view)) == list(reversed(py))
    for x in (3, 1, 2, 3.0, True, 7, "3", 2.5):
        assert view.count(x) == py.count(x), x
        assert raised(view.index, x) == raised(py.index, x), x
        if x in py:
            assert view.index(x) == py.index(x)
    assert view.index(3, 1) == py.index(3, 1) == 2
    assert raised(view.index, 3, 1, 2) == raised(py.index, 3, 1, 2)
    assert view.index(2, -1) == py.index(2, -1)


# ---- comparisons ------------------------------------------------------------------------------

def test_list_views_compare_as_lists():
    lists = ([], [1], [1, 2], [1, 3], [2], [1, 2, 0])
    for a in lists:
        for b in lists:
            va, vb = view_list(a), view_list(b)
            for op in ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"):
                expected = getattr(a, op)(b)
                assert getattr(va, op)(vb) == expected, (a, op, b)      # view with view
                assert getattr(va, op)(b) == expected, (a, op, b)       # view with list
            assert (a == vb) == (a == b) and (a < vb) == (a < b)        # list with view
    assert view_list([1, 2]) == view_floats([1.0, 2.0])                # any element type
    assert view_list([1, 2]) != (1, 2) and not view_list([1, 2]) == (1, 2)
    assert error_type(lambda: view_list([1]) < (1,)) is TypeError is error_type(lambda: [1] < (1,))
    assert view_list([1]) != {1} and view_list([]) != None


def test_views_of_one_container_are_equal():
    cdef object h = Holder()
    assert h.xs == h.xs and h.d == h.d and h.s == h.s
    assert h.xs <= h.xs and not h.xs < h.xs and h.s >= h.s
    nan = float("nan")
    py = [nan]
    same = view_floats(py)
    assert (same == same) == (py == py) == True                      # one object: equal
    assert (same == view_floats(py)) == (py == [float("nan")]) == False


def test_views_are_unhashable():
    for view in (view_list([1]), view_dict({"a": 1}), view_set({1})):
        assert raised(hash, view)[0] is TypeError
        assert raised(hash, view.to_py())[0] is TypeError
        assert raised(set, [view])[0] is TypeError


def test_dict_views_compare_as_dicts():
    py = {"a": 1, "b": 2}
    view = view_dict(py)
    assert view == py and py == view and view == {"b": 2, "a": 1}
    assert view == view_dict({"b": 2, "a": 1}) and view != view_int_dict({})
    assert view != {"a": 1} and view != {"a": 1, "b": 3} and not view != py
    assert view != view_dict({"a": 1, "b": 3})
    assert view_int_dict({1: 5}) == {1: 5} == view_int_dict({1: 5})
    assert view != [("a", 1), ("b", 2)] and view != list(py)
    assert error_type(lambda: view < py) is TypeError is error_type(lambda: py < py)


def test_set_views_compare_as_sets():
    sets = (set(), {1}, {2}, {1, 2}, {1, 2, 3})
    for a in sets:
        for b in sets:
            va = view_set(a)
            for other in (b, frozenset(b), view_set(b), view_float_set(b)):
                for op in ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"):
                    assert getattr(va, op)(other) == getattr(a, op)(b), (a, op, other)
            assert (a <= view_set(b)) == (a <= b) and (frozenset(a) == view_set(b)) == (a == b)
    assert view_set({1}) != [1] and view_set({1}) != (1,)
    assert error_type(lambda: view_set({1}) < [1]) is TypeError is error_type(lambda: {1} < [1])


def test_set_view_operators():
    a, b = {1, 2, 3}, {2, 3, 4}
    va = view_set(a)
    for other in (b, frozenset(b), view_set(b)):
        assert va & other == a & b and va | other == a | b
        assert va - other == a - b and va ^ other == a ^ b
        assert type(va & other) is set
    assert b - va == b - a and frozenset(b) & va == b & a      # reflected
    assert va.isdisjoint([7, 8]) and not va.isdisjoint([3])
    for op in (lambda: va & [1], lambda: va | "x", lambda: [1] - va):
        assert error_type(op) is TypeError
    assert a == {1, 2, 3}                                        # operands unchanged


# ---- dict views are mappings ----------------------------------------------------------------

def test_dict_view_is_a_mapping():
    py = {"a": 1, "b": 2}
    view = view_dict(py)
    assert dict(view) == py
    assert (lambda **kw: kw)(**view) == py
    merged = {"z": 0}
    merged.update(view)
    assert merged == {"z": 0, "a": 1, "b": 2}
    assert view.keys() == py.keys() and list(view.keys()) == list(py.keys())
    assert list(view.values()) == list(py.values())
    assert view.items() == py.items() and list(view.items()) == [("a", 1), ("b", 2)]
    assert view.keys() & {"a", "q"} == {"a"}                    # set-like, as dict_keys
    for args in (("a",), ("q",), ("q", 7), (5,), (5, 7), (None, 0), (1.0, 0)):
        assert view.get(*args) == py.get(*args), args
    assert view.get(b"a") == view[b"a"] == 1                   # bytes name a lib.string key
    for args in (([1],), ()):                                    # unhashable; no key at all
        assert error_type(view.get, *args) is TypeError is error_type(py.get, *args), args


def test_dict_view_keys_are_a_copy_taken_now():
    view = view_dict({"a": 1})
    keys, items = view.keys(), view.items()
    put(view, "b", 2)
    assert list(keys) == ["a"] and list(items) == [("a", 1)]
    assert list(view.keys()) == ["a", "b"] and len(view) == 2 and view["b"] == 2


def test_views_are_registered_with_collections_abc():
    assert isinstance(view_list([1]), collections.abc.Sequence)
    assert isinstance(view_dict({}), collections.abc.Mapping)
    assert isinstance(view_set({1}), collections.abc.Set)
    assert not isinstance(view_list([1]), collections.abc.MutableSequence)
    assert not isinstance(view_list([1]), collections.abc.Hashable)


# ---- lookups with keys of another type --------------------------------------------------------

def test_membership_of_numbers_equal_to_an_element():
    keys = (1, 1.0, True, False, 0, 1.5, Fraction(1), Fraction(3, 2), float("nan"), float("inf"),
            2**100, -2**100, "1", b"1", None, (1,), 0.0, -0.0)
    for items in ([1], [0, 2], []):
        view, py = view_list(items), list(items)
        dview, dpy = view_int_dict({x: 5 for x in items}), {x: 5 for x in items}
        sview, spy = view_set(items), set(items)
        for key in keys:
            assert (key in view) == (key in py), (items, key)
            assert (key in dview) == (key in dpy), (items, key)
            assert (key in sview) == (key in spy), (items, key)
    assert (1.0 in view_list([1]), 1.0 in view_int_dict({1: 5})) == (True, True)
    assert [1] not in view_list([1]) and [1] not in [1]
    for view, py in ((view_set({1}), {1}), (view_int_dict({1: 5}), {1: 5})):
        assert raised(view.__contains__, [1]) == raised(py.__contains__, [1])   # unhashable


def test_dict_lookup_by_equal_numbers():
    dview, dpy = view_int_dict({1: 5, 0: 7}), {1: 5, 0: 7}
    for key in (1, 1.0, True, False, 0.0, Fraction(1), 1.5, 2, "1", None, float("nan"), 2**100, [1]):
        assert raised(dview.__getitem__, key) == raised(dpy.__getitem__, key), key
        assert raised(dview.get, key) == raised(dpy.get, key), key
        if not isinstance(key, list) and key in dpy:
            assert dview[key] == dpy[key] and dview.get(key) == dpy.get(key)
    try:
        dview[1.5]
    except KeyError as e:
        assert e.args == (1.5,)


def test_membership_of_bool_and_float_elements():
    bools, py = view_bools([True]), [True]
    for key in (True, False, 1, 0, 1.0, "a", [], None, 2):
        assert (key in bools) == (key in py), key
    floats, fpy = view_floats([1.0, 2.0**53, 0.5]), [1.0, 2.0**53, 0.5]
    for key in (1, True, 2**53, 2**53 + 1, 0.5, Fraction(1, 2), 10**400, "1.0", None):
        assert (key in floats) == (key in fpy), key
    texts, tpy = view_texts(["a", "é"]), ["a", "é"]
    for key in ("a", "é", 5, None, ["a"], "\ud800"):
        assert (key in texts) == (key in tpy), key
    dtexts, dpy = view_dict({"a": 1}), {"a": 1}
    for key in ("a", "b", 5, None, "\ud800", ["a"]):
        assert raised(dtexts.__contains__, key) == raised(dpy.__contains__, key), key


# ---- lib.string bytes that are not UTF-8 ------------------------------------------------------

def test_non_utf8_bytes_read_back_with_surrogate_escapes():
    cdef object h = Holder()
    h.name = b"\xff"
    assert h.name == "\udcff" == b"\xff".decode("utf-8", "surrogateescape")
    assert byte_length(h.name) == 1                           # the same single byte again
    h.name = h.name
    assert same_string(h.name, b"\xff") and byte_length(h.name) == 1
    mixed = b"a\xc3\xa9\xff\xed\xb2\x80z"                    # valid, invalid, encoded surrogate
    h.name = mixed
    text = h.name
    assert text == mixed.decode("utf-8", "surrogateescape")
    assert text.encode("utf-8", "surrogateescape") == mixed
    assert same_string(text, mixed) and byte_length(text) == len(mixed)


def test_non_utf8_strings_in_containers_and_views():
    raw = [b"\xfe", b"ok", b"\x80\x81"]
    texts = view_texts(raw)
    shown = [b.decode("utf-8", "surrogateescape") for b in raw]
    assert list(texts) == shown and texts.to_py() == shown and texts[0] == shown[0]
    assert "\udcfe" in texts and b"\xfe" in texts
    d = view_dict({b"\xff": 1})
    assert list(d) == ["\udcff"] and d["\udcff"] == 1 and d.to_py() == {"\udcff": 1}
    try:
        d["\udcfe"]
    except KeyError as e:
        assert e.args == ("\udcfe",)                          # the key as given
    else:
        assert False


def test_surrogates_that_are_no_escaped_bytes_still_fail():
    cdef object h = Holder()
    for text in ("\ud800", "a\udc41"):                          # not from surrogateescape
        assert raised(setattr, h, "name", text)[0] is UnicodeEncodeError
        assert raised(text.encode, "utf-8", "surrogateescape")[0] is UnicodeEncodeError
    h.name = "é"
    assert h.name == "é" and byte_length(h.name) == 2


def test_views_stay_live():
    view = view_list([1, 2])
    append_to(view, 3)
    assert view == [1, 2, 3] and view[-1] == 3 and view[1:] == [2, 3] and view[-4:-3] == []
