# distutils: language = c++
"""Containers without a declared type in nogil code (docs/stdlib.md, "Literals" and
"Comprehensions"): a literal or comprehension assigned to an undeclared variable, or used
directly (`len([...])`, `for y in [...]`), is the cyn.lib container its items fill; a loop
over a literal of numbers walks a C array. Where the GIL is held they stay Python's."""
from cyn cimport lib


cdef class Tag nogil:
    cdef long v

    def __init__(self, long v=0):
        self.v = v


cdef long literal_types() except? -1 nogil:
    xs = [3, 1, 2]                     # lib.list[long]
    xs.append(4)
    xs.sort()
    mixed = [1, 2.5]                   # lib.list[double]: numbers widen
    d = {"a": 1, "b": 2}               # lib.dict[lib.string, long]
    d["c"] = 3
    s = {1, 2, 2, 3}                   # lib.set[long]
    words = ["pear", "fig"]            # lib.list[lib.string]
    tags = [Tag(1), None, Tag(5)]      # lib.list[Tag]
    return (xs[0] * 1000 + xs[3] * 100 + <long>(mixed[1] * 10) + len(d) * 10000
            + d["c"] * 100000 + len(s) * 1000000 + len(words[0]) * 10000000
            + tags[2].v * 100000000 + (tags[1] is None) * 1000000000)


def test_literals_take_their_items_type():
    assert literal_types() == 1000 + 400 + 25 + 30000 + 300000 + 3000000 + 40000000 + 500000000 + 1000000000


cdef lib.list[double] widened() except * nogil:
    xs = [1, 2]
    cdef lib.list[double] ys = [1, 2]       # a declared type still decides
    ys.append(0.5)
    return ys


def test_declared_type_wins():
    assert widened().to_py() == [1.0, 2.0, 0.5]


cdef long comprehension_types(lib.list[long] xs) except? -1 nogil:
    ys = [x * 2 for x in xs]                  # lib.list[long]
    halves = [x / 2.0 for x in xs]            # lib.list[double]
    odd = {x % 2 for x in xs}                 # lib.set[long]
    squares = {x: x * x for x in xs}          # lib.dict[long, long]
    tags = [Tag(x) for x in xs]               # lib.list[Tag]
    pairs = [[x, -x] for x in xs]             # lib.list[lib.list[long]]
    cdef long t = 0
    for y in [x + 1 for x in xs if x > 1]:
        t += y
    return (len(ys) + ys[2] * 10 + <long>(halves[0] * 100) + len(odd) * 1000
            + squares[3] * 10000 + tags[1].v * 100000 + pairs[2][1] * -1000000
            + len([x for x in xs if x > 2]) * 10000000 + t * 100000000)


def test_comprehensions_take_their_items_type():
    cdef lib.list[long] xs = [1, 2, 3]
    expected = (3 + 6 * 10 + 50 + 2 * 1000 + 9 * 10000 + 2 * 100000 + 3 * 1000000 + 1 * 10000000
                + (3 + 4) * 100000000)
    assert comprehension_types(xs) == expected


cdef long literal_loops() except? -1 nogil:
    cdef long t = 0
    for x in [1, 2, 3]:
        t += x
    for y in (10, 20):
        t += y
    for z in (0.25, 0.5):
        t += <long>(z * 100)
    return t


def test_loops_over_number_literals():
    assert literal_loops() == 6 + 30 + 25 + 50


def test_with_the_gil_they_stay_python_objects():
    xs = [x * 2 for x in range(3)]
    d = {"a": 1}
    assert type(xs) is list and type(d) is dict
    for v in (1, 2):
        assert type(v) is int


from cython.parallel cimport prange


cdef long narrowing() except? -1 nogil:
    cdef lib.list[unsigned char] small = [300, 1]     # converted as the assignment would be
    cdef size_t n = 2
    mixed = [n, -1]                                    # signed: -1 stays -1, as in Python
    return small[0] * 1000 + mixed[1]


def test_items_converted_as_assignments_convert_them():
    assert narrowing() == 44 * 1000 - 1


cdef long literals_without_target() except? -1 nogil:
    cdef long t = len([1, 2, 3]) + len({1, 2, 2}) * 10 + sum({1: 2, 3: 4}) * 100
    t += <long>(sum([1, 2.5, 3.5]) * 1000)
    ys = sorted([3, 1, 2])
    return t + ys[0] * 100000 + [5, 6, 7].index(7) * 1000000


def test_literals_without_a_target():
    assert literals_without_target() == 3 + 20 + 400 + 7000 + 100000 + 2000000


cdef long c_containers_from_literals() except? -1 nogil:
    cdef int[3] arr = [1, 2, 3]                        # still a C array
    return arr[2] * 10 + arr[0]


def test_c_arrays_from_literals_are_unchanged():
    assert c_containers_from_literals() == 31


cdef long sorted_comprehensions(lib.list[long] xs) except? -1 nogil:
    ys = sorted([x * 2 for x in xs])
    zs = sorted([x for x in xs], reverse=True)
    return ys[0] * 100 + zs[0] + len(sorted([x for x in xs if x > 1])) * 10000


def test_sorted_of_comprehensions():
    cdef lib.list[long] xs = [3, 1, 2]
    assert sorted_comprehensions(xs) == 2 * 100 + 3 + 2 * 10000


cdef double tuple_loops() except? -1 nogil:
    cdef double t = 0
    for x in (1, 2.5):                                 # numbers widen
        t += x
    for s in ("ab", "cde"):                            # lib.string
        t += len(s) * 10
    for tag in (Tag(1), Tag(2)):
        t += tag.v * 100
    for m in [b"GET", b"HEAD"]:
        t += len(m) * 1000
    return t


def test_loops_over_literals_of_any_items():
    assert tuple_loops() == 3.5 + 50 + 300 + 7000


cdef long enumerate_inferred() except? -1 nogil:
    xs = [10, 20, 30]
    ys = [i * x for i, x in enumerate(xs)]
    zs = [x for x in reversed(xs)]
    return ys[2] + zs[0] * 1000


def test_comprehensions_over_enumerate_and_reversed_of_inferred_lists():
    assert enumerate_inferred() == 60 + 30000


def test_aggregates_in_prange_with_nogil_keyword():
    cdef long i, total = 0
    for i in prange(4, nogil=True):
        total += sum(j for j in range(i))
    assert total == sum(sum(range(i)) for i in range(4))


cdef class Bag[T] nogil:
    cdef lib.list[T] items

    def __init__(self):
        self.items = lib.list[T]()

    cdef long count_items(self):
        copy = [v for v in self.items]                 # lib.list[T]
        return len(copy)


def test_comprehension_in_a_generic_class():
    cdef Bag[double] bag = Bag[double]()
    bag.items.append(1.5)
    bag.items.append(2.5)
    assert bag.count_items() == 2


def test_inside_with_nogil_blocks_of_python_functions():
    cdef long r = 0
    cdef lib.list[long] xs = [1, 2, 3]
    with nogil:
        ys = [x * 2 for x in xs]              # lib.list[long], though the function holds the GIL
        zs = [7, 8]
        r = len(ys) * 100 + ys[2] * 10 + zs[1] - zs[0]
    assert r == 300 + 60 + 1
