# distutils: language = c++
from cyn cimport lib

cdef bint any(long a) noexcept nogil:
    return a

cdef class Tag nogil:
    cdef long v

cdef long aggregates(lib.list[long] xs, lib.list[lib.string] words, lib.list[Tag] tags) except? -1 nogil:
    a = sum(w for w in words)
    b = sum(t for t in tags)
    c = min((x for x in xs), key=abs)
    d = sum((x for x in xs), 1, 2)
    e = any(x for x in xs)
    g = max((x for x in xs), default=1, default=2)
    return a + b + c + d + e + g

cdef long elsewhere(lib.list[long] xs, lib.list[lib.string] words) except? -1 nogil:
    ys = lib.list[long](x for x in xs)
    s = b",".join(w for w in words)
    z = sorted(x for x in xs)
    return 0

def with_the_gil(xs):
    return list(x for x in xs), sum(x for x in xs)

_ERRORS = """
13:29: min() of a generator expression in nogil code takes no keyword argument 'key'
14:29: sum() of a generator expression takes a start value and no more
16:40: keyword argument 'default' repeated
20:24: a generator expression in nogil code can only be the argument of the built-in sum(), any(), all(), min() or max(); for a container, use a comprehension ([...])
21:18: a generator expression in nogil code can only be the argument of the built-in sum(), any(), all(), min() or max(); for a container, use a comprehension ([...])
22:15: a generator expression in nogil code can only be the argument of the built-in sum(), any(), all(), min() or max(); for a container, use a comprehension ([...])
11:11: sum() can't sum strings: use lib.string's join()
12:11: sum() of 'Tag' items in nogil code needs numbers, or a start value whose __add__ takes them: sum(items, start)
15:11: 'any' is not the built-in here: a generator expression in nogil code is only run by the built-in sum(), any(), all(), min() or max()
"""
