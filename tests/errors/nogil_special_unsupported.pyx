# distutils: language = c++
cdef class B nogil:
    cdef long x

cdef void items(B b) noexcept nogil:
    cdef long v = b[0]
    b[0] = 1
    del b[0]
    v = b[1:2]

cdef void operators(B b) noexcept nogil:
    cdef bint v = b < b
    cdef long x
    v = 1 in b
    for x in b:
        pass
    b += b
    v = len(b)
    v = b == b            # identity without __eq__: fine
    b = -b
    b = ~b
    b = abs(b)
    x = 2 * b

_ERRORS = """
6:19: nogil class 'B' does not support indexing (no __getitem__)
7:5: nogil class 'B' does not support item assignment (no __setitem__)
8:9: nogil class 'B' does not support item deletion (no __delitem__)
9:9: nogil class 'B' does not support slicing
12:20: nogil class 'B' does not support '<' (no __lt__)
14:10: nogil class 'B' does not support 'in' (no __contains__)
15:4: nogil class 'B' does not support iteration (no __iter__/__next__)
17:4: nogil class 'B' does not support '+=' (no __iadd__ or __add__)
18:11: object of nogil class 'B' has no len()
20:8: nogil class 'B' does not support unary '-' (no __neg__)
21:8: nogil class 'B' does not support unary '~' (no __invert__)
22:11: nogil class 'B' does not support abs() (no __abs__)
23:10: nogil class 'B' does not support '*' with a long on its left (no __rmul__)
"""
