# distutils: language = c++
"""`try: ... except KeyError: ...` in nogil code: built-in exception classes are caught without
the GIL on the normal path (docs/nogil-classes.md, "Exceptions")."""
from cyn cimport lib
from cyn.coro cimport run, spawn, WaitGroup


cdef class Grid nogil:
    cdef long size

    def __init__(self, long size):
        self.size = size

    def __getitem__(self, long i) -> long:
        if i < 0:
            raise ValueError("negative index")
        if i >= self.size:
            raise IndexError("grid index out of range")
        return i * 10


cdef long count_of(lib.dict[lib.string, long] d, lib.string word) except? -1 nogil:
    try:
        return d[word]
    except KeyError:
        return 0


def test_missing_key_caught():
    d = {"a": 3}
    assert count_of(d, "a") == 3
    assert count_of(d, "zz") == 0


cdef long first_or(lib.list[long] xs, long default) except? -1 nogil:
    cdef long r
    try:
        r = xs[0]
    except (IndexError, ValueError):
        r = default
    else:
        r += 1000            # only when nothing was raised
    return r


def test_tuple_of_classes_and_else():
    assert first_or([], 7) == 7
    assert first_or([3], 7) == 1003


cdef long classify(Grid g, long i) except? -1 nogil:
    try:
        return g[i]
    except KeyError:
        return -1
    except ValueError:
        return -2
    except LookupError:      # IndexError is a LookupError: subclasses are caught
        return -3


def test_clauses_tried_in_order_with_subclasses():
    g = Grid(5)
    assert classify(g, 3) == 30
    assert classify(g, -1) == -2
    assert classify(g, 9) == -3


cdef long not_caught(lib.list[long] xs) except? -1 nogil:
    try:
        return xs[5]
    except KeyError:
        return -1


def test_unmatched_exception_propagates_unchanged():
    try:
        not_caught([1])
    except IndexError as e:
        assert str(e) == "list index out of range"
    else:
        assert False


cdef long sum_known(lib.list[long] xs, long n) except? -1 nogil:
    cdef long total = 0
    for i in range(n):
        try:
            total += xs[i]
        except:
            total += 100
            continue
    return total


def test_bare_except_in_a_loop():
    assert sum_known([1, 2], 5) == 1 + 2 + 3 * 100


cdef long raise_in_handler(lib.list[long] xs) except? -1 nogil:
    try:
        return xs[3]
    except IndexError:
        raise ValueError("no fourth item")


def test_new_exception_raised_from_a_handler():
    try:
        raise_in_handler([])
    except ValueError as e:
        assert str(e) == "no fourth item"
    else:
        assert False


cdef long nested(lib.dict[long, long] d) except? -1 nogil:
    cdef long r = 0
    try:
        try:
            r = d[1]
        except KeyError:
            r = d[2]          # raises again: the outer clause catches it
    except KeyError:
        r = -1
    finally:
        r += 100
    return r


def test_nested_and_finally():
    assert nested({1: 5}) == 105
    assert nested({2: 6}) == 106
    assert nested({}) == 99


cdef long caught_by_worker[10]      # one slot per coroutine: no shared counter to race on


cdef void lookup_worker(lib.dict[long, long] d, long k, WaitGroup wg) noexcept nogil:
    try:
        d[k]
    except KeyError:
        caught_by_worker[k] = 1
    wg.done()


cdef void lookups() noexcept nogil:
    wg = WaitGroup()
    d = lib.dict[long, long]()
    d[0] = 0
    wg.add(10)
    for k in range(10):
        spawn(lookup_worker, d, k, wg)
    wg.wait()


def test_caught_inside_coroutines():
    for k in range(10):
        caught_by_worker[k] = 0
    with nogil:
        run(lookups)
    assert [caught_by_worker[k] for k in range(10)] == [0] + [1] * 9


def test_with_nogil_block_in_a_def_function():
    cdef lib.list[long] xs = [1]
    cdef long r = 0
    with nogil:
        try:
            r = xs[4]
        except IndexError:
            r = -4
    assert r == -4


cdef extern from "cyn/alloc.hpp":
    long long cyn_live_objects() nogil


cdef class Held nogil:
    cdef long v

    def __init__(self, long v):
        self.v = v


cdef long add_held(Held h, long b) noexcept nogil:
    return h.v + b


cdef long live_in_handler = -1


cdef long interrupted(lib.list[long] xs) except? -1 nogil:
    global live_in_handler
    try:
        return add_held(Held(5), xs[3])      # Held(5) is built, then xs[3] raises
    except IndexError:
        live_in_handler = cyn_live_objects()
        return -1


def test_values_of_the_interrupted_expression_are_released_before_the_handler():
    cdef lib.list[long] xs = []
    before = cyn_live_objects()             # (xs itself is live throughout)
    assert interrupted(xs) == -1
    assert live_in_handler == before        # Held(5) already gone, as in Python
