# distutils: language = c++
"""lib.list[T] from Cython nogil code, checked against Python's list doing the same."""
from cyn cimport lib

from python_errors import raised, raised_py


cdef lib.list[long] squares(long n) nogil:
    xs = lib.list[long]()
    for i in range(n):
        xs.append(i * i)
    return xs


def py_squares(n):
    return [i * i for i in range(n)]


def test_append_len_getitem_negative():
    cdef lib.list[long] xs = squares(10)
    ys = py_squares(10)
    assert len(xs) == len(ys) == 10
    for i in range(-10, 10):
        assert xs[i] == ys[i]


def test_getitem_index_error():
    cdef lib.list[long] xs = squares(3)
    for bad in (3, 100, -4):
        try:
            xs[bad]
        except IndexError as e:
            assert str(e) == "list index out of range"
        else:
            assert False, bad
    try:
        [0, 1, 4][3]
    except IndexError as e:
        assert str(e) == "list index out of range"


def test_setitem_delitem():
    cdef lib.list[long] xs = squares(6)
    ys = py_squares(6)
    xs[0] = 100
    ys[0] = 100
    xs[-1] = -1
    ys[-1] = -1
    del xs[1]
    del ys[1]
    del xs[-2]
    del ys[-2]
    assert xs.to_py() == ys
    try:
        xs[10] = 1
    except IndexError as e:
        assert str(e) == "list assignment index out of range"
    else:
        assert False
    try:
        del xs[-10]
    except IndexError as e:
        assert str(e) == "list assignment index out of range"
    else:
        assert False


def test_contains():
    cdef lib.list[long] xs = squares(10)
    ys = py_squares(10)
    for v in range(-3, 90):
        assert (v in xs) == (v in ys)
        assert (v not in xs) == (v not in ys)


cdef long sum_loop(lib.list[long] xs) nogil:
    cdef long total = 0
    for x in xs:
        total += x
    return total


def test_for_loop_in_order():
    cdef lib.list[long] xs = squares(100)
    assert sum_loop(xs) == sum(py_squares(100))
    assert sum_loop(lib.list[long]()) == 0


cdef long loop_with_break_else(lib.list[long] xs, long stop_at) nogil:
    cdef long seen = 0
    for x in xs:
        if x == stop_at:
            break
        seen += 1
    else:
        seen = -1
    return seen


def test_break_and_else():
    cdef lib.list[long] xs = squares(5)
    assert loop_with_break_else(xs, 9) == 3
    assert loop_with_break_else(xs, 7) == -1


cdef void grow_while_iterating(lib.list[long] xs) except * nogil:
    for x in xs:
        xs.append(x)


def test_mutation_during_iteration_raises():
    cdef lib.list[long] xs = squares(3)
    try:
        grow_while_iterating(xs)
    except RuntimeError as e:
        assert "changed size during iteration" in str(e)
    else:
        assert False


def test_methods_against_python():
    cdef lib.list[long] xs = lib.list[long]()
    ys = []
    for v in (5, 3, 9, 3, 1, 7):
        xs.append(v)
        ys.append(v)
    xs.insert(0, 42)
    ys.insert(0, 42)
    xs.insert(-1, 8)
    ys.insert(-1, 8)
    xs.insert(100, 6)
    ys.insert(100, 6)
    assert xs.to_py() == ys
    assert xs.index(3) == ys.index(3)
    assert xs.index(3, 3) == ys.index(3, 3)
    assert xs.count(3) == ys.count(3) == 2
    assert xs.pop() == ys.pop()
    assert xs.pop(0) == ys.pop(0)
    assert xs.pop(-2) == ys.pop(-2)
    xs.remove(3)
    ys.remove(3)
    assert xs.to_py() == ys
    xs.sort()
    ys.sort()
    assert xs.to_py() == ys
    xs.sort(True)
    ys.sort(reverse=True)
    assert xs.to_py() == ys
    xs.reverse()
    ys.reverse()
    assert xs.to_py() == ys
    cdef lib.list[long] zs = xs.copy()
    zs.append(1000)
    assert xs.to_py() == ys
    xs.extend(zs)
    ys.extend(ys + [1000])
    assert xs.to_py() == ys
    xs.clear()
    ys.clear()
    assert xs.to_py() == ys == []


def test_method_errors():
    cdef lib.list[long] xs = squares(3)
    try:
        xs.remove(5)
    except ValueError as e:
        assert str(e) == "list.remove(x): x not in list"
    else:
        assert False
    try:
        xs.index(5)
    except ValueError as e:
        assert str(e) == "5 is not in list"
    else:
        assert False
    xs.clear()
    try:
        xs.pop()
    except IndexError as e:
        assert str(e) == "pop from empty list"
    else:
        assert False


def test_slices_against_python():
    cdef lib.list[long] xs = squares(10)
    ys = py_squares(10)
    assert xs[2:5].to_py() == ys[2:5]
    assert xs[:3].to_py() == ys[:3]
    assert xs[7:].to_py() == ys[7:]
    assert xs[::2].to_py() == ys[::2]
    assert xs[::-1].to_py() == ys[::-1]
    assert xs[-3:-1].to_py() == ys[-3:-1]
    assert xs[8:2:-2].to_py() == ys[8:2:-2]
    del xs[1:3]
    del ys[1:3]
    assert xs.to_py() == ys
    del xs[::3]
    del ys[::3]
    assert xs.to_py() == ys
    cdef lib.list[long] repl = lib.list[long]()
    repl.append(-5)
    xs[0:2] = repl
    ys[0:2] = [-5]
    assert xs.to_py() == ys
    try:
        xs[::0]
    except ValueError as e:
        assert str(e) == "slice step cannot be zero"
    else:
        assert False


def test_operators():
    cdef lib.list[long] a = squares(3)
    cdef lib.list[long] b = squares(3)
    cdef lib.list[long] c = squares(4)
    assert a == b and not (a != b)
    assert a != c and not (a == c)
    assert a is not b
    assert (a + c).to_py() == py_squares(3) + py_squares(4)
    assert (a * 3).to_py() == py_squares(3) * 3
    assert (a * 0).to_py() == []
    a += c
    assert a.to_py() == py_squares(3) + py_squares(4)
    assert b.to_py() == py_squares(3)


cdef int truth(lib.list[long] xs) nogil:
    if xs:
        return 1
    return 0


def test_truth():
    cdef lib.list[long] xs = lib.list[long]()
    assert truth(xs) == 0
    xs.append(0)
    assert truth(xs) == 1
    assert truth(None) == 0
    assert not (not xs)


def test_conversion_from_and_to_python():
    cdef lib.list[long] xs = [1, 2, 3]
    xs.append(4)
    assert xs.to_py() == [1, 2, 3, 4]
    assert len(xs) == 4
    cdef lib.list[double] ds = (0.5, 1.5)
    assert ds.to_py() == [0.5, 1.5]
    try:
        xs = ["a"]
    except TypeError:
        pass
    else:
        assert False
    assert xs.to_py() == [1, 2, 3, 4]


def test_none_list_raises():
    cdef lib.list[long] xs = None
    try:
        xs.append(1)
    except AttributeError:
        pass
    else:
        assert False
    try:
        xs[0]
    except TypeError as e:      # an operator on None: Python's TypeError
        assert str(e) == "'NoneType' object is not subscriptable"
    else:
        assert False


def test_spec_example_of_the_module():
    assert demo() == 19


cdef long demo() nogil:
    xs = lib.list[long]()
    for i in range(10):
        xs.append(i * i)
    d = lib.dict[lib.string, long]()
    d[lib.string(b"nine")] = xs[3]
    del xs[0]
    return len(xs) + d[lib.string(b"nine")] + (81 in xs)


def make_list():
    cdef lib.list[long] xs = [1, 2, 3]
    return xs                  # crosses to Python by itself: a live view


def append_to(lib.list[long] xs, long v):
    xs.append(v)


def test_container_crossing_to_python_is_a_live_view():
    view = make_list()
    assert len(view) == 3
    assert view[0] == 1 and view[-1] == 3
    assert list(view) == [1, 2, 3]
    assert 2 in view and 5 not in view and "x" not in view
    append_to(view, 4)         # the same container goes back in: no copy
    assert len(view) == 4 and view[3] == 4
    assert view.to_py() == [1, 2, 3, 4]
    try:
        view[10]
    except IndexError as e:
        assert str(e) == "list index out of range"
    else:
        assert False
    it = iter(view)
    assert next(it) == 1
    append_to(view, 5)
    try:
        next(it)
    except RuntimeError as e:
        assert str(e) == "list changed size during iteration"
    else:
        assert False
    assert "list_view([1, 2, 3, 4, 5])" in repr(view)


cdef lib.list[long] add_nogil(lib.list[long] a, lib.list[long] b) except * nogil:
    return a + b


def list_add(lib.list[long] a, lib.list[long] b):
    return add_nogil(a, b).to_py()


def list_iadd(lib.list[long] a, lib.list[long] b):
    a += b


def list_extend(lib.list[long] a, lib.list[long] b):
    with nogil:
        a.extend(b)


def list_extend_literal_none(lib.list[long] a):
    a.extend(None)


def list_setslice(lib.list[long] a, lib.list[long] b):
    a[0:1] = b


def list_setslice_literal_none(lib.list[long] a):
    a[0:1] = None


def list_setslice_extended(lib.list[long] a, lib.list[long] b):
    a[::2] = b


def test_none_arguments_raise_like_python():
    cdef lib.list[long] xs = [1, 2]
    assert raised(list_add, xs, None) == raised_py("[1, 2] + None")
    assert raised(list_iadd, xs, None) == raised_py("a = [1, 2]; a += None")
    assert raised(list_extend, xs, None) == raised_py("[1, 2].extend(None)")
    assert raised(list_extend_literal_none, xs) == raised_py("[1, 2].extend(None)")
    assert raised(list_setslice, xs, None) == raised_py("a = [1, 2]; a[0:1] = None")
    assert raised(list_setslice_literal_none, xs) == raised_py("a = [1, 2]; a[0:1] = None")
    assert raised(list_setslice_extended, xs, None) == raised_py("a = [1, 2]; a[::2] = None")
    assert xs.to_py() == [1, 2]
    assert list_add(xs, [3]) == [1, 2, 3]


cdef tuple compare_nogil(lib.list[double] a, lib.list[double] b):
    cdef bint lt, le, gt, ge
    with nogil:
        lt = a < b
        le = a <= b
        gt = a > b
        ge = a >= b
    return lt, le, gt, ge


def list_lt(lib.list[double] a, lib.list[double] b):
    return a < b


def test_ordering_like_python():
    nan = float("nan")
    lists = [[], [1.0], [1.0, 2.0], [1.0, 3.0], [2.0], [1.0, 2.0, 0.0], [nan], [1.0, nan], [0.5, 9.0, 9.0]]
    for a in lists:
        for b in lists:
            b = [x + 0.0 for x in b]   # new float objects: a double has no identity, a NaN never equals
            assert compare_nogil(a, b) == (a < b, a <= b, a > b, a >= b), (a, b)
    assert raised(list_lt, [1.0], None) == raised_py("[1.0] < None")


cdef void repeat_in_place(lib.list[lib.string] xs, Py_ssize_t n) noexcept nogil:
    xs *= n


def test_imul_repeats_the_same_list():
    cdef lib.list[long] xs = [0, 1]
    cdef lib.list[long] alias = xs
    py = [0, 1]
    py_alias = py
    for n in (2, 1, 3, 0, 4, -1):
        xs *= n
        py *= n
        assert alias.to_py() == py_alias, n
        py *= 0
        py += [0, 1]
        xs.clear()
        xs.append(0)
        xs.append(1)
    cdef lib.list[lib.string] words = ["a", "b"]
    repeat_in_place(words, 2)
    assert words.to_py() == ["a", "b", "a", "b"]


cdef long same_size_assignments(lib.list[long] xs) except -1 nogil:
    cdef long n = 0
    for x in xs:
        xs[0:1] = xs[0:1]
        xs[0:0] = lib.list[long]()
        xs[1:2] = xs[2:3]
        xs[::2] = xs[::2]
        del xs[5:]
        n += 1
    return n


cdef void size_changing_assignment(lib.list[long] xs) except * nogil:
    for x in xs:
        xs[0:1] = xs[0:2]


def test_same_size_slice_assignment_while_iterating():
    # Python's list iterator allows any change; ours raises only for a change of size
    cdef lib.list[long] xs = [1, 2, 3]
    assert same_size_assignments(xs) == 3
    try:
        size_changing_assignment(xs)
    except RuntimeError as e:
        assert str(e) == "list changed size during iteration"
    else:
        assert False


def sort_strings(lib.list[lib.string] xs):
    with nogil:
        xs.sort()
    return xs.to_py()


def min_string(lib.list[lib.string] xs):
    cdef lib.string m
    with nogil:
        m = min(xs)
    return m


def sort_lists(lib.list[lib.list[long]] xs):
    xs.sort()
    return xs.to_py()


def test_none_items_have_no_order():
    cdef lib.list[lib.string] words = ["b", "a", None]      # None converts, as append(None)
    assert words.to_py() == ["b", "a", None]
    assert raised(sort_strings, words) == raised_py("sorted(['b', 'a', None])")
    assert raised(min_string, ["b", None]) == raised_py("min(['b', None])")
    assert raised(sort_lists, [[1], None]) == raised_py("sorted([[1], None])")
    assert sort_strings([None]) == [None] and min_string([None]) is None
    assert sort_lists([[2], [1, 5], [1]]) == sorted([[2], [1, 5], [1]])


# ---------------------------------------------------------------- sort(key=...)
cdef class Runner nogil:
    cdef public double time
    cdef public long bib

    def __init__(self, double time, long bib):
        self.time = time
        self.bib = bib


cdef double by_time(Runner r) noexcept nogil:
    return r.time


cdef long descending(long v) nogil:
    if v == 99:
        raise ValueError("99 has no key")
    return -v


cdef lib.list[long] bibs_by_time(lib.list[Runner] rs, bint reverse) except * nogil:
    rs.sort(key=by_time, reverse=reverse)
    out = lib.list[long]()
    for r in rs:
        out.append(r.bib)
    return out


cdef lib.list[long] sorted_descending(lib.list[long] xs) except * nogil:
    return sorted(xs, key=descending)


def test_sort_and_sorted_with_a_nogil_key_function():
    times = [(3.5, 1), (1.25, 2), (2.0, 3), (1.25, 4)]
    rs = [Runner(t, b) for t, b in times]
    assert bibs_by_time(rs, False).to_py() == [b for t, b in sorted(times, key=lambda p: p[0])]
    assert bibs_by_time(rs, True).to_py() == [b for t, b in sorted(times, key=lambda p: p[0], reverse=True)]
    assert sorted_descending([3, 1, 2]).to_py() == [3, 2, 1]


def test_a_key_function_that_raises_stops_the_sort():
    cdef lib.list[long] xs = [1, 99, 3]
    try:
        xs.sort(key=descending)
    except ValueError as e:
        assert str(e) == "99 has no key"
    else:
        assert False
    assert xs.to_py() == [1, 99, 3]          # keys are computed first: the list is unchanged
