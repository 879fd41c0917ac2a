# Cython side of benchmarks/objects: the same three operations on a nogil class (no GIL, a
# counted C++ object) and on a Cython cdef class (a CPython object), each in a tight loop.

cdef extern from *:
    """
    #include <atomic>
    #include <chrono>
    /* Start line of the nogil threads: each arrives, then spins until all have, so their
       timed loops run at the same time (Python threads otherwise start GIL-switch-intervals
       apart, and a wall-clock figure would measure that skew, not the loop). */
    static std::atomic<int> bench_arrived{0};
    static void bench_reset_start_line() { bench_arrived.store(0); }
    static void bench_wait_start_line(int parties) {
        bench_arrived.fetch_add(1);
        while (bench_arrived.load() < parties) { }
    }
    static long long bench_now_ns() {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(
            std::chrono::steady_clock::now().time_since_epoch()).count();
    }
    """
    void bench_reset_start_line() nogil
    void bench_wait_start_line(int parties) nogil
    long long bench_now_ns() nogil


def reset_start_line():
    bench_reset_start_line()


cdef class NPoint nogil:
    cdef double x, y
    def __init__(self, double x, double y):
        self.x = x
        self.y = y
    cdef double area(self):
        return self.x * self.y

cdef class NPoint3(NPoint) nogil:
    cdef double z
    cdef double area(self):
        return self.x * self.y * 2


cdef class CPoint:
    cdef double x, y
    def __init__(self, double x, double y):
        self.x = x
        self.y = y
    cdef double area(self):
        return self.x * self.y

cdef class CPoint3(CPoint):
    cdef double area(self):
        return self.x * self.y * 2


cdef double nogil_create_free(long n) nogil:
    cdef double s = 0
    cdef long i
    for i in range(n):
        p = NPoint(i, 2)
        s += p.x
    return s

cdef double nogil_ref_copy(NPoint p, long n) nogil:
    cdef NPoint q
    cdef long i
    cdef double s = 0
    for i in range(n):
        q = p
        s += q.y
    return s

cdef double nogil_virtual_call(NPoint p, long n) nogil:
    cdef long i
    cdef double s = 0
    for i in range(n):
        s += p.area()
    return s


def nogil_ops(str op, long n, int parties=1):
    """Runs one operation n times without the GIL (callable from several Python threads);
    returns the nanoseconds the loop took in this thread, timed after all `parties` threads
    have reached the start line (reset_start_line() before starting them)."""
    cdef double s = 0
    cdef NPoint shared
    cdef long long start, end
    cdef int kind
    if op == "create+free":
        kind = 0
    elif op == "ref copy":
        kind = 1
    elif op == "virtual call":
        kind = 2
    else:
        raise ValueError(op)
    with nogil:
        shared = NPoint3(1, 2)
        bench_wait_start_line(parties)
        start = bench_now_ns()
        if kind == 0:
            s = nogil_create_free(n)
        elif kind == 1:
            s = nogil_ref_copy(shared, n)
        else:
            s = nogil_virtual_call(shared, n)
        end = bench_now_ns()
    if s < 0:
        raise AssertionError("unreachable: keeps the loop's result alive")
    return end - start


def cdef_class_ops(str op, long n):
    """The same operations on a Cython cdef class: they need the GIL."""
    cdef double s = 0
    cdef long i
    cdef CPoint p, q
    cdef CPoint shared = CPoint3(1, 2)
    if op == "create+free":
        for i in range(n):
            p = CPoint(i, 2)
            s += p.x
    elif op == "ref copy":
        for i in range(n):
            q = shared
            s += q.y
    elif op == "virtual call":
        for i in range(n):
            s += shared.area()
    else:
        raise ValueError(op)
    return s
