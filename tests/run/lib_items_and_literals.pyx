# distutils: language = c++
"""Expressions whose nogil type the compiler must see through: len() and methods of items,
slices and sums of containers (in nogil code and in code holding the GIL, where Python's len()
of a converted str would count characters, not bytes); `o[k] op= v` on items that have the
in-place method (Python mutates the item, so other references see it); text literals holding
NUL bytes (a C string literal would end at the first one). Each compared with Python."""
from cyn cimport lib


cdef class Counter nogil:
    cdef public long n
    def __init__(self, long n=0):
        self.n = n
    def __iadd__(self, long k) -> Counter:
        self.n += k
        return self


cdef class Frozen nogil:
    """`+=` builds a new object, as an immutable Python type's __iadd__ would."""
    cdef public long n
    def __init__(self, long n=0):
        self.n = n
    def __iadd__(self, long k) -> Frozen:
        return Frozen(self.n + k)


cdef Py_ssize_t lengths(lib.list[lib.string] words, lib.dict[long, lib.list[long]] groups,
                        lib.string s) nogil:
    return (len(words[0]) * 10000 + len(groups[1]) * 1000 + len(s + s) * 100
            + len(words[0:2]) * 10 + len(words[-1][1:]))


def test_len_of_items_slices_and_sums_in_nogil_code():
    words, groups, s = ["abc", "é"], {1: [1, 2, 3, 4]}, "xy"
    b = [w.encode() for w in words]
    expected = (len(b[0]) * 10000 + len(groups[1]) * 1000 + len(s + s) * 100
                + len(b[0:2]) * 10 + len(b[-1][1:]))
    assert lengths(words, groups, s) == expected == 34421


def test_len_of_an_item_with_the_gil_counts_bytes():
    cdef lib.list[lib.string] xs = ["é", "abc"]
    cdef lib.dict[long, lib.list[long]] d = {1: [5, 6]}
    assert (len(xs[0]), len(d[1]), len(xs[0] + xs[1]), len(xs[0:1])) == (len("é".encode()), 2, 5, 1)


def test_method_of_an_item():
    cdef lib.list[lib.string] xs = ["a,b,c"]
    cdef Py_ssize_t n
    with nogil:
        n = len(xs[0].split(b","))
    assert n == len("a,b,c".split(","))


def test_inplace_on_a_list_item_extends_it():
    cdef lib.list[lib.list[long]] grid = [[1]]
    cdef lib.list[long] row = grid[0]
    cdef lib.list[long] more = [2]
    with nogil:
        grid[0] += more
    py_grid = [[1]]
    py_row = py_grid[0]
    py_grid[0] += [2]
    assert row.to_py() == py_row == [1, 2]
    assert grid.to_py() == py_grid


def test_inplace_on_a_dict_item():
    cdef lib.dict[lib.string, lib.list[long]] d = {"k": [1]}
    cdef lib.list[long] kept = d["k"]
    cdef lib.list[long] more = [2, 3]
    with nogil:
        d[b"k"] += more
    assert kept.to_py() == [1, 2, 3]
    assert d.to_py() == {"k": [1, 2, 3]}


def test_inplace_on_object_items_follows_the_method():
    cdef lib.list[Counter] counters = lib.list[Counter]()
    cdef lib.list[Frozen] frozen = lib.list[Frozen]()
    counters.append(Counter(1))
    frozen.append(Frozen(1))
    cdef Counter c = counters[0]
    cdef Frozen f = frozen[0]
    with nogil:
        counters[0] += 5        # mutates the item: c sees it
        frozen[0] += 5          # a new object in the slot: f keeps the old one
    assert (c.n, counters[0].n) == (6, 6)
    assert c is counters[0]
    assert (f.n, frozen[0].n) == (1, 6)
    assert f is not frozen[0]


def test_inplace_on_a_numeric_item_is_unchanged():
    cdef lib.list[long] xs = [1, 2]
    cdef lib.dict[long, double] d = {7: 0.5}
    with nogil:
        xs[-1] *= 10
        d[7] += 1.0
    assert xs.to_py() == [1, 20]
    assert d.to_py() == {7: 1.5}


def test_text_literals_keep_nul_bytes():
    cdef lib.string s, t
    with nogil:
        s = b"a\x00b"
        t = "a\x00b"
    assert (len(s), len(t)) == (len(b"a\x00b"), 3)
    assert s.to_py() == t.to_py() == "a\x00b"
    with nogil:
        s = lib.string(b"x\x00\x00")
    assert len(s) == 3


def test_nul_literals_compare_look_up_split_and_join():
    cdef lib.string s = "a\x00b"
    cdef lib.string a = "a"
    assert (s == "a\x00b", a == "a\x00b") == ("a\x00b" == "a\x00b", "a" == "a\x00b")
    cdef lib.dict[lib.string, long] d = {"a\x00b": 1, "a": 2}
    cdef long found
    with nogil:
        found = d[b"a\x00b"]
    assert found == {"a\x00b": 1, "a": 2}["a\x00b"]
    cdef lib.string text = "xa\x00b"
    assert text.find("\x00") == "xa\x00b".find("\x00")
    assert text.split("\x00").to_py() == "xa\x00b".split("\x00")
    cdef lib.list[lib.string] parts = ["x", "y"]
    cdef lib.string joined
    with nogil:
        joined = "\x00".join(parts)
    assert joined.to_py() == "\x00".join(["x", "y"])


def test_python_values_compare_with_containers_from_either_side():
    cdef lib.list[long] xs = [1, 2]
    cdef lib.string s = "ab"
    cdef lib.dict[long, long] d = {1: 2}
    cdef lib.set[long] st = {3}
    other = [1, 2]
    assert ([1, 2] == xs, other == xs, xs == other, other != xs) == (True, True, True, False)
    assert ([2, 1] == xs, "ab" == s, {1: 2} == d, {3} == st) == (False, True, True, True)
    assert not ("abc" == s) and s != "abc" and not (None == xs) and xs != 5


cdef long totals_of_builtin_results(lib.list[long] xs) except -1 nogil:
    # t's type is inferred from `t + sum(xs)`: xs must be inferred first (it was a Python object)
    t = 0
    t += sum(xs)
    t = t + max(xs)
    for q in sorted(xs):
        t += q
    ys = sorted(xs)
    for q in ys:
        t += q
    return t


def test_results_of_sum_max_sorted_feed_inferred_variables():
    xs = [3, 1, 2]
    cdef lib.list[long] lx = xs
    assert totals_of_builtin_results(lx) == sum(xs) + max(xs) + sum(sorted(xs)) * 2


# ---------------------------------------------------------------- sorted() of inferred expressions
cdef class Bag nogil:
    cdef lib.list[long] xs

    def __init__(self):
        self.xs = lib.list[long]()
        self.xs.append(3)
        self.xs.append(1)


cdef lib.list[long] one(long n) except * nogil:
    xs = lib.list[long]()
    xs.append(n)
    return xs


cdef lib.list[long] sorted_of_inferred() except * nogil:
    a = one(2)                       # a, b, bag: types inferred after sorted() is seen
    b = one(1)
    bag = Bag()
    out = sorted(a + b)
    out.extend(sorted(bag.xs))
    return out


def test_sorted_of_an_expression_of_inferred_locals():
    assert sorted_of_inferred().to_py() == [1, 2, 1, 3]
