# distutils: language = c++
"""Comprehensions and generator expressions in nogil code (docs/stdlib.md, "Comprehensions"):
a comprehension whose target is a cyn.lib container builds it without the GIL; sum/any/all/
min/max of a generator expression run as an inline loop. Each result is compared with the
same expression run by Python on the same data."""
from cyn cimport lib

cdef long deaths = 0
cdef long checks = 0


cdef class Tag nogil:
    cdef long v

    def __init__(self, long v=0):
        self.v = v

    def __dealloc__(self):
        global deaths
        deaths += 1

    def __add__(self, Tag other) -> Tag:
        return Tag(self.v + other.v)

    def __lt__(self, Tag other):
        return self.v < other.v

    def __gt__(self, Tag other):
        return self.v > other.v


cdef bint check(long x) noexcept nogil:
    global checks
    checks += 1
    return x > 2


DATA = [5, -3, 8, 0, 8, 2, -7, 4]
WORDS = [b"pear", b"fig", b"apple", b"kiwi", b"fig"]
TEXTS = [w.decode() for w in WORDS]         # lib.string comes back to Python as str


# ---- comprehensions into lib containers ----------------------------------------------

cdef lib.list[long] squares_of_odd(lib.list[long] xs) except * nogil:
    cdef lib.list[long] out = [x * x for x in xs if x % 2]
    return out


cdef lib.list[long] pairs(long n) except * nogil:
    return [i * 10 + j for i in range(n) for j in range(i) if (i + j) % 2]


cdef lib.set[long] remainders(lib.list[long] xs) except * nogil:
    cdef lib.set[long] out = {x % 3 for x in xs}
    return out


cdef lib.dict[lib.string, long] lengths(lib.list[lib.string] words) except * nogil:
    cdef lib.dict[lib.string, long] out = {w: len(w) for w in words}
    return out


cdef lib.dict[long, long] inverted(lib.dict[long, long] d) except * nogil:
    cdef lib.dict[long, long] out = {v: k for k, v in d.items()}
    return out


cdef long total(lib.list[long] xs) except? -1 nogil:
    cdef long t = 0
    for x in xs:
        t += x
    return t


cdef lib.list[lib.list[long]] triangle(long n) except * nogil:
    cdef lib.list[lib.list[long]] rows = [[j for j in range(i)] for i in range(n)]
    return rows


cdef lib.list[lib.string] upper_words(lib.list[lib.string] words) except * nogil:
    cdef lib.list[lib.string] out = [w.upper() for w in words if w.startswith(b"f") or len(w) > 4]
    return out


def test_list_comprehensions():
    cdef lib.list[long] xs = DATA
    assert squares_of_odd(xs).to_py() == [x * x for x in DATA if x % 2]
    assert pairs(5).to_py() == [i * 10 + j for i in range(5) for j in range(i) if (i + j) % 2]
    assert triangle(4).to_py() == [[j for j in range(i)] for i in range(4)]
    cdef lib.list[lib.string] words = WORDS
    assert upper_words(words).to_py() == [w.upper() for w in TEXTS if w.startswith("f") or len(w) > 4]


def test_set_and_dict_comprehensions():
    cdef lib.list[long] xs = DATA
    assert remainders(xs).to_py() == {x % 3 for x in DATA}
    cdef lib.list[lib.string] words = WORDS
    assert lengths(words).to_py() == {w: len(w) for w in TEXTS}
    cdef lib.dict[long, long] d = {1: 10, 2: 20, 3: 10}
    assert inverted(d).to_py() == {v: k for k, v in {1: 10, 2: 20, 3: 10}.items()}


def test_comprehension_as_argument_and_in_with_nogil():
    cdef lib.list[long] xs = DATA
    cdef long t
    with nogil:
        t = total([x for x in xs if x > 0])
    assert t == sum(x for x in DATA if x > 0)


def test_empty_comprehension():
    cdef lib.list[long] xs = []
    assert squares_of_odd(xs).to_py() == []


cdef long tags_alive_after_comprehension() except -1 nogil:
    global deaths
    cdef lib.list[Tag] tags = [Tag(1), Tag(2), Tag(3)]
    cdef lib.list[long] values = [t.v for t in tags]
    tags.clear()
    # the loop variable let go of the last tag when the comprehension ended
    return deaths * 100 + total(values)


def test_loop_variable_released_with_the_comprehension():
    global deaths
    deaths = 0
    assert tags_alive_after_comprehension() == 306


# ---- sum / any / all / min / max of generator expressions --------------------------------

cdef long sum_of_odd(lib.list[long] xs) except? -1 nogil:
    return sum(x for x in xs if x % 2)


cdef double sum_halves(lib.list[long] xs) except? -1 nogil:
    return sum(x / 2.0 for x in xs)


cdef long count_big(lib.list[long] xs) except? -1 nogil:
    return sum(x > 2 for x in xs)


cdef long sum_with_start(lib.list[long] xs) except? -1 nogil:
    return sum((x for x in xs), 100) + sum((x for x in xs), start=1000)


cdef long weighted(lib.dict[long, long] d) except? -1 nogil:
    return sum(k * v for k, v in d.items())


cdef long letters(lib.list[lib.string] words) except? -1 nogil:
    return sum(len(w) for w in words)


cdef long nested_sum(long n) except? -1 nogil:
    return sum(i * j for i in range(n) for j in range(i, n) if j % 2)


def test_sum():
    cdef lib.list[long] xs = DATA
    assert sum_of_odd(xs) == sum(x for x in DATA if x % 2)
    assert sum_halves(xs) == sum(x / 2.0 for x in DATA)
    assert count_big(xs) == sum(x > 2 for x in DATA)
    assert sum_with_start(xs) == sum(DATA, 100) + sum(DATA, start=1000)
    cdef lib.dict[long, long] d = {2: 3, 4: 5}
    assert weighted(d) == 2 * 3 + 4 * 5
    cdef lib.list[lib.string] words = WORDS
    assert letters(words) == sum(len(w) for w in WORDS)
    assert nested_sum(6) == sum(i * j for i in range(6) for j in range(i, 6) if j % 2)
    cdef lib.list[long] empty = []
    assert sum_of_odd(empty) == 0


cdef long tag_sum(lib.list[Tag] tags) except? -1 nogil:
    s = sum((t for t in tags), Tag(0))
    return s.v


def test_sum_of_objects_with_a_start():
    global deaths
    deaths = 0
    cdef lib.list[Tag] tags = [Tag(1), Tag(2), Tag(3)]
    assert tag_sum(tags) == 6
    tags = None
    # the three tags, the start, two partial sums and the total
    assert deaths == 7


cdef int any_all(lib.list[long] xs) except -1 nogil:
    return (any(x > 7 for x in xs) * 1 + all(x > -10 for x in xs) * 10
            + any(x > 100 for x in xs) * 100 + all(x > 0 for x in xs) * 1000)


def test_any_all():
    cdef lib.list[long] xs = DATA
    expected = (any(x > 7 for x in DATA) * 1 + all(x > -10 for x in DATA) * 10
                + any(x > 100 for x in DATA) * 100 + all(x > 0 for x in DATA) * 1000)
    assert any_all(xs) == expected
    cdef lib.list[long] empty = []
    assert any_all(empty) == 10 + 1000      # any() of nothing is False, all() True


cdef int stops_early(lib.list[long] xs) except -1 nogil:
    return any(check(x) for x in xs)


cdef int stops_early_in_nested_loops(long n) except -1 nogil:
    return all(check(-i - j) for i in range(n) for j in range(n))


def test_any_all_stop_at_the_deciding_item():
    global checks
    cdef lib.list[long] xs = [1, 2, 3, 4, 5]
    checks = 0
    assert stops_early(xs)
    assert checks == 3
    checks = 0
    assert not stops_early_in_nested_loops(10)
    assert checks == 1                     # neither the inner nor the outer loop went on


cdef long extremes(lib.list[long] xs) except? -1 nogil:
    return min(x for x in xs) * 1000 + max(x * x for x in xs if x < 5)


cdef double extremes_double(lib.list[double] xs) except? -1 nogil:
    return min(x for x in xs) + max(x for x in xs)


cdef lib.string first_word(lib.list[lib.string] words) except * nogil:
    return min(w for w in words)


cdef lib.string last_word(lib.list[lib.string] words) except * nogil:
    return max(w for w in words)


cdef long with_default(lib.list[long] xs) except? -1 nogil:
    return min((x for x in xs if x > 100), default=-1) + max((x for x in xs), default=7)


def test_min_max():
    cdef lib.list[long] xs = DATA
    assert extremes(xs) == min(DATA) * 1000 + max(x * x for x in DATA if x < 5)
    cdef lib.list[double] ds = [2.5, -1.25, 9.0]
    assert extremes_double(ds) == -1.25 + 9.0
    cdef lib.list[lib.string] words = WORDS
    assert first_word(words) == min(TEXTS)
    assert last_word(words) == max(TEXTS)
    assert with_default(xs) == -1 + max(DATA)
    cdef lib.list[long] empty = []
    assert with_default(empty) == -1 + 7


cdef bint min_keeps_the_first_of_equals(lib.list[lib.string] words) except -1 nogil:
    return min(w for w in words if w == b"fig") is words[1] and max(w for w in words if w == b"fig") is words[1]


def test_min_max_keep_the_first_of_equal_items():
    cdef lib.list[lib.string] words = WORDS
    assert words[1] is not words[4]
    assert min_keeps_the_first_of_equals(words)


cdef long tag_extremes(lib.list[Tag] tags) except? -1 nogil:
    return min(t for t in tags).v * 10 + max(t for t in tags).v


def test_min_max_of_objects():
    cdef lib.list[Tag] tags = [Tag(4), Tag(1), Tag(9)]
    assert tag_extremes(tags) == 19


def test_min_max_of_nothing_raise_valueerror():
    cdef lib.list[long] empty = []
    with_python = None
    try:
        min(x for x in [])
    except ValueError as e:
        with_python = str(e)
    try:
        extremes(empty)
    except ValueError as e:
        assert str(e) == with_python
    else:
        assert False, "min() of nothing did not raise"
    cdef lib.list[double] none = []
    try:
        extremes_double(none)
    except ValueError as e:
        assert "min()" in str(e)
    else:
        assert False, "min() of nothing did not raise"


cdef long loop_variables_do_not_leak(lib.list[long] xs) except? -1 nogil:
    cdef long x = 42
    s = sum(x for x in xs)
    return x * 1000 + s


def test_loop_variables_stay_in_the_generator():
    cdef lib.list[long] xs = [1, 2, 3]
    assert loop_variables_do_not_leak(xs) == 42006


def test_aggregates_where_the_gil_is_held_are_pythons():
    # Not rewritten outside nogil code: Python objects, Python's sum()
    assert sum(x for x in [1.5, 2]) == 3.5
    assert min((x for x in []), default="none") == "none"


cdef long stats(lib.list[long] xs, lib.list[lib.string] words) except? -1 nogil:
    # the example of docs/stdlib.md
    cdef lib.list[long] odd = [x for x in xs if x % 2]
    squares = {x: x * x for x in xs}
    longest = max(len(w) for w in words)
    if any(x < 0 for x in xs):
        return -1
    return sum(odd) + sum(v for v in squares.values()) + longest


def test_docs_example():
    cdef lib.list[long] xs = [1, 2, 3, 3]
    cdef lib.list[lib.string] words = WORDS
    assert stats(xs, words) == (1 + 3 + 3) + (1 + 4 + 9) + 5
    cdef lib.list[long] negative = [1, -2]
    assert stats(negative, words) == -1


cdef double max_with_wider_default(lib.list[long] xs) except? -1 nogil:
    return max((x for x in xs), default=-1.5)


def test_default_of_a_wider_type():
    cdef lib.list[long] xs = [1, 2]
    cdef lib.list[long] empty = []
    assert max_with_wider_default(xs) == 2
    assert max_with_wider_default(empty) == -1.5


cdef class Countdown nogil:
    """Its own iterator: n, n-1, ..., 1."""
    cdef long n

    def __init__(self, long n):
        self.n = n

    def __next__(self) -> long:
        if self.n <= 0:
            raise StopIteration
        self.n -= 1
        return self.n + 1


cdef long aggregates_of_an_iterable_object() except? -1 nogil:
    return (sum(Countdown(4)) + sum(Countdown(3), 100) * 10 + max(Countdown(5)) * 10000
            + min(Countdown(5)) * 100000 + any(Countdown(0)) * 1000000 + all(Countdown(2)) * 10000000)


def test_aggregates_of_an_iterable_nogil_object():
    expected = (sum([4, 3, 2, 1]) + sum([3, 2, 1], 100) * 10 + max([5, 4, 3, 2, 1]) * 10000
                + min([5, 4, 3, 2, 1]) * 100000 + any([]) * 1000000 + all([2, 1]) * 10000000)
    assert aggregates_of_an_iterable_object() == expected
