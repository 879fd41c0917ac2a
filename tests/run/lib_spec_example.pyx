# distutils: language = c++
# The example of SPEC §5, verbatim: lib.list / lib.dict / lib.string from nogil code.
from cyn cimport lib

cdef long demo() nogil:
    xs = lib.list[long]()
    for i in range(10):
        xs.append(i * i)
    d = lib.dict[lib.string, long]()
    d[lib.string(b"nine")] = xs[3]
    del xs[0]                          # Python semantics: negative indices, slices, IndexError, KeyError…
    return len(xs) + d[lib.string(b"nine")] + (81 in xs)


def test_demo():
    xs = [i * i for i in range(10)]
    d = {"nine": xs[3]}
    del xs[0]
    assert demo() == len(xs) + d["nine"] + (81 in xs) == 19
