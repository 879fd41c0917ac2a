# distutils: language = c++
"""Container literals in nogil code: `[..]`, `{k: v}`, `{..}` whose target is a cyn.lib
container are built as that container without the GIL; `x in (a, b)` compares x with each item
(docs/stdlib.md, "Literals")."""
from cyn cimport lib


cdef class Tag nogil:
    cdef long v

    def __init__(self, long v=0):
        self.v = v

    def __eq__(self, Tag other):
        return other is not None and self.v == other.v


cdef lib.list[long] numbers() except * nogil:
    cdef lib.list[long] xs = [3, 1, 2]
    xs.extend([4, 5])
    xs += [6]
    xs.sort()
    return xs


def test_list_literals():
    assert numbers().to_py() == [1, 2, 3, 4, 5, 6]


cdef lib.dict[lib.string, long] counts() except * nogil:
    cdef lib.dict[lib.string, long] d = {"a": 1, "b": 2, "a": 3}      # the last value wins
    return d


cdef lib.set[long] members() except * nogil:
    cdef lib.set[long] s = {1, 2, 2, 3}
    return s


def test_dict_and_set_literals():
    assert counts().to_py() == {"a": 3, "b": 2}
    assert members().to_py() == {1, 2, 3}


cdef long objects_and_empty() except? -1 nogil:
    cdef lib.list[Tag] tags = [Tag(1), None, Tag(3)]
    cdef lib.list[long] empty = []
    cdef lib.dict[long, lib.list[long]] nested = {1: [1, 2], 2: []}
    return len(tags) * 100 + len(empty) * 10 + len(nested[1]) + len(nested[2])


def test_literals_of_objects_nested_and_empty():
    assert objects_and_empty() == 300 + 0 + 2 + 0


cdef int membership(lib.string method, Tag t) except -1 nogil:
    return ((method in (b"GET", b"HEAD")) * 1 + (method not in ["PUT", "POST"]) * 10
            + (t in (Tag(1), Tag(2))) * 100 + (t in ()) * 1000)


def test_in_a_literal_sequence():
    assert membership("GET", Tag(2)) == 111
    assert membership("PUT", Tag(5)) == 0
    assert membership("HEAD", None) == 11          # None == Tag(..) is False


def test_with_the_gil_literals_still_convert_from_python():
    cdef lib.list[long] xs = [1, 2]
    try:
        ys = [1, "x"]
        xs = ys                    # a Python list: converted, a wrong item is a TypeError
    except TypeError:
        pass
    else:
        assert False
    assert xs.to_py() == [1, 2]


cdef class Stack[T] nogil:
    cdef lib.list[T] items

    def __init__(self):
        self.items = []

    cdef void push_two(self, T a, T b):
        self.items.extend([a, b])
        self.items += [a]


cdef lib.list[long] stacked() except * nogil:
    s = Stack[long]()
    s.push_two(1, 2)
    return s.items


def test_literals_in_a_generic_class():
    assert stacked().to_py() == [1, 2, 1]
