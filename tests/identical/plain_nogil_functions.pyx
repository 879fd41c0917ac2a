# The word nogil everywhere, but no nogil class: must stay byte-identical.
from cython.parallel cimport prange

cdef struct Pair:
    int a
    double b

cdef double work(Pair p) noexcept nogil:
    return p.a * p.b

cdef int may_fail(int x) except -1 nogil:
    if x < 0:
        with gil:
            raise ValueError("negative")
    return x

def run(int n):
    cdef Pair p
    cdef double s = 0
    cdef int i
    for i in prange(n, nogil=True):
        p.a = i
        p.b = 0.5
        s += work(p)
    return s

class PyClass:
    def method(self):
        return may_fail(3)
