# A module with no nogil class: extension types, properties, inheritance, closures, generators.
cimport cython

cdef class Counter:
    cdef public long value
    cdef readonly str name

    def __init__(self, name, long start=0):
        self.name = name
        self.value = start

    cpdef long bump(self, long by=1):
        self.value += by
        return self.value

    def __repr__(self):
        return "Counter(%r, %d)" % (self.name, self.value)


cdef class Derived(Counter):
    cdef double scale

    cpdef long bump(self, long by=1):
        return Counter.bump(self, by * 2)


def make_adders(int n):
    return [lambda x, i=i: x + i for i in range(n)]


def countdown(int n):
    while n > 0:
        yield n
        n -= 1


cdef int fast_sum(int[:] xs) nogil:
    cdef int total = 0
    cdef Py_ssize_t i
    for i in range(xs.shape[0]):
        total += xs[i]
    return total


def with_gil_release(long n):
    cdef long i, s = 0
    with nogil:
        for i in range(n):
            s += i
    return s
