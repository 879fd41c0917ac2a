# distutils: language = c++
"""Everyday nogil code with cyn.lib: word counting, nested containers, literals as strings,
in-place item updates; each result compared with the same program in Python."""
from cyn cimport lib


cdef lib.dict[lib.string, long] word_counts(lib.string text) nogil:
    counts = lib.dict[lib.string, long]()
    for w in text.split():
        counts[w] = counts.get(w, 0) + 1
    return counts


def test_word_counts():
    text = "the cat and the hat and the bat"
    cdef lib.string t = text
    py = {}
    for w in text.split():
        py[w] = py.get(w, 0) + 1
    assert word_counts(t).to_py() == py


cdef long csv_total(lib.string line) except -1 nogil:
    total = 0
    for field in line.split(b","):          # a bytes literal where a lib.string is expected
        if field == b"":
            continue
        total += field.to_long()
    return total


def test_literals_as_strings():
    cdef lib.string line = "1,2,,39"
    assert csv_total(line) == sum(int(x) for x in "1,2,,39".split(",") if x)
    line = "1,x"
    try:
        csv_total(line)
    except ValueError as e:
        assert str(e) == "invalid literal for int() with base 10: 'x'"
    else:
        assert False


cdef lib.list[lib.list[long]] triangle(long n) nogil:
    rows = lib.list[lib.list[long]]()
    for i in range(n):
        row = lib.list[long]()
        for j in range(i + 1):
            row.append(1 if j == 0 or j == i else rows[i - 1][j - 1] + rows[i - 1][j])
        rows.append(row)
    return rows


def test_nested_containers():
    cdef lib.list[lib.list[long]] t = triangle(6)
    py = []
    for i in range(6):
        py.append([1 if j == 0 or j == i else py[i - 1][j - 1] + py[i - 1][j] for j in range(i + 1)])
    assert [t[i].to_py() for i in range(len(t))] == py


cdef lib.list[long] histogram(lib.list[long] values, long buckets) except * nogil:
    h = lib.list[long]()
    for i in range(buckets):
        h.append(0)
    for v in values:
        h[v % buckets] += 1
        h[-1] -= 0
    return h


def test_inplace_item_updates():
    values = [3, 7, 1, 9, 12, 3, 5]
    cdef lib.list[long] vs = values
    py = [0] * 4
    for v in values:
        py[v % 4] += 1
    assert histogram(vs, 4).to_py() == py


cdef long items_sum(lib.dict[long, long] d) except -1 nogil:
    total = 0
    for k, v in d.items():
        total += k * v
    return total


def test_items_unpacking():
    cdef lib.dict[long, long] d = {2: 3, 4: 5}
    assert items_sum(d) == 2 * 3 + 4 * 5


cdef long keys_then_values(lib.dict[long, long] d) except -1 nogil:
    total = 0
    for k in d.keys():
        total = total * 10 + k
    for v in d.values():
        total = total * 10 + v
    return total


def test_keys_and_values_views_in_order():
    cdef lib.dict[long, long] d = {3: 1, 1: 2}
    py = {3: 1, 1: 2}
    expected = 0
    for x in list(py.keys()) + list(py.values()):
        expected = expected * 10 + x
    assert keys_then_values(d) == expected


def test_string_comparisons_with_c_text():
    cdef lib.string s = "abc"
    assert s.eq(b"abc") and not s.eq(b"abd")
    assert s.compare(lib.string(b"abd")) < 0
    assert s.rfind(lib.string(b"c")) == "abc".rfind("c")
    assert lib.string(b"xxhixx").strip(lib.string(b"x")).to_py() == "xxhixx".strip("x")


cdef long literal_keys(lib.dict[lib.string, long] d) except -1 nogil:
    # text literals where a `const string&` is expected: d[k], `in`, get(), set.add()
    cdef long r = d[b"a"] + (b"a" in d) * 10 + ("b" in d) * 100 + d.get(b"zz", 1000)
    seen = lib.set[lib.string]()
    seen.add(b"x")
    seen.add("x")
    return r + len(seen) * 10000 + (b"x" in seen) * 100000


def test_text_literals_as_keys():
    cdef lib.dict[lib.string, long] d = {"a": 1, "bb": 2}
    py = {"a": 1, "bb": 2}
    want = py["a"] + ("a" in py) * 10 + ("b" in py) * 100 + py.get("zz", 1000) + len({"x"}) * 10000 + 100000
    assert literal_keys(d) == want


cdef lib.string sliced(lib.string s) except * nogil:
    return s[1:3] + b"|" + s[-2:] + b"|" + s[::-2] + b"|" + s[:0] + s[10:] + "<" + s[:1]


def test_string_slicing_like_bytes():
    cdef lib.string s = "hello"
    b = b"hello"
    assert sliced(s).to_py() == (b[1:3] + b"|" + b[-2:] + b"|" + b[::-2] + b"|" + b[:0] + b[10:] + b"<" + b[:1]).decode()


cdef long enumerated(lib.list[long] xs) except -1 nogil:
    cdef long total = 0
    for i, x in enumerate(xs):
        if x == 6:
            continue                      # the count still moves
        total += i * x
    for j, y in enumerate(xs, 10):
        total += j * 1000 + y
    words = lib.list[lib.string]()
    words.append(b"ab")
    words.append(b"cde")
    for k, w in enumerate(words):
        total += (k + 1) * len(w) * 100000
    return total


def test_enumerate_like_python():
    cdef lib.list[long] xs = [5, 6, 7]
    py, total = [5, 6, 7], 0
    for i, x in enumerate(py):
        if x == 6:
            continue
        total += i * x
    for j, y in enumerate(py, 10):
        total += j * 1000 + y
    for k, w in enumerate([b"ab", b"cde"]):
        total += (k + 1) * len(w) * 100000
    assert enumerated(xs) == total


cdef lib.list[long] reversed_walk(lib.list[long] xs) except * nogil:
    out = lib.list[long]()
    for x in reversed(xs):
        out.append(x)
        if x == 3:                        # shrinking: the walk stops at the new end
            xs.pop()
            xs.pop()
            xs.pop()
    else:
        out.append(-1)
    return out


def test_reversed_like_python():
    cdef lib.list[long] xs = list(range(5))
    py, out = list(range(5)), []
    for x in reversed(py):
        out.append(x)
        if x == 3:
            py.pop(); py.pop(); py.pop()
    else:
        out.append(-1)
    assert reversed_walk(xs).to_py() == out


cdef class Rank nogil:
    cdef long value

    def __init__(self, long value):
        self.value = value

    def __lt__(self, Rank other):
        return self.value < other.value


cdef lib.list[long] aggregates(lib.list[long] xs) except * nogil:
    out = lib.list[long]()
    seen = lib.set[long]()
    for x in xs:
        seen.add(x)
    ys = sorted(xs)
    zs = sorted(xs, reverse=True)
    out.append(sum(xs))
    out.append(sum(xs, 100))
    out.append(min(xs))
    out.append(max(xs))
    out.append(ys[0])
    out.append(zs[0])
    out.append(sum(seen))
    out.append(max(seen))
    out.append(len(sorted(seen)))
    ranks = lib.list[Rank]()
    for x in xs:
        ranks.append(Rank(x))
    out.append(max(ranks).value)
    out.append(max(ranks) is ranks[xs.index(max(xs))])     # the first of equal maxima, as Python
    out.append(min(ranks).value)
    return out


cdef long min_of_nothing() except -1 nogil:
    return min(lib.list[long]())


def test_sum_min_max_sorted_like_python():
    cdef lib.list[long] xs = [3, 1, 2, 3]
    py = [3, 1, 2, 3]
    want = [sum(py), sum(py, 100), min(py), max(py), sorted(py)[0], sorted(py, reverse=True)[0],
            sum(set(py)), max(set(py)), len(sorted(set(py))), max(py), True, min(py)]
    assert aggregates(xs).to_py() == want
    try:
        min_of_nothing()
    except ValueError as e:
        assert str(e) == "min() arg is an empty sequence"
    else:
        assert False, "no ValueError"
    assert sorted(py) == [1, 2, 3, 3]      # Python's sorted() in the same module is untouched


def test_nested_containers_convert_both_ways():
    cdef lib.list[lib.list[long]] grid = [[1, 2], [], [3]]
    assert grid.to_py() == [[1, 2], [], [3]]
    cdef lib.dict[lib.string, lib.list[long]] groups = {"a": [1], "b": [2, 3]}
    assert groups.to_py() == {"a": [1], "b": [2, 3]}
    cdef lib.list[lib.set[long]] sets = [{1, 2}, set()]
    assert sets.to_py() == [{1, 2}, set()]
    cdef lib.dict[long, lib.dict[long, long]] deep = {1: {2: 3}}
    assert deep.to_py() == {1: {2: 3}}
    try:
        grid = [[1], ["x"]]
    except TypeError:
        pass
    else:
        assert False, "no TypeError"
    try:
        grid = [[1], 5]
    except TypeError:
        pass
    else:
        assert False, "no TypeError"


cdef long enumerated_items(lib.dict[lib.string, long] d) except -1 nogil:
    cdef long total = 0
    for i, (k, v) in enumerate(d.items(), 1):
        total += i * 100 + v * 10 + len(k)
    return total


def test_enumerate_of_dict_items_like_python():
    cdef lib.dict[lib.string, long] d = {"a": 1, "bb": 2, "ccc": 3}
    py = {"a": 1, "bb": 2, "ccc": 3}
    assert enumerated_items(d) == sum(i * 100 + v * 10 + len(k) for i, (k, v) in enumerate(py.items(), 1))


cdef lib.string joined(lib.string text) except * nogil:
    words = text.split()
    return "[" + b", ".join(words) + "] " + "-".join(words)


def test_join_on_a_text_literal_like_python():
    cdef lib.string text = "a b c"
    words = "a b c".split()
    assert joined(text).to_py() == "[" + ", ".join(words) + "] " + "-".join(words)
    assert " ".join(["x", "y"]) == "x y"      # Python's str.join with Python arguments is untouched
