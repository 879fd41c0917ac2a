# Cython side of benchmarks/objects: the same three operations on a nogil class (no GIL, a
# counted C++ object) and on a Cython cdef class (a CPython object), each in a tight loop.

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


def nogil_ops(str op, long n):
    """Runs one operation n times without the GIL (callable from several Python threads)."""
    cdef double s = 0
    cdef NPoint shared
    with nogil:
        shared = NPoint3(1, 2)
    if op == "create+free":
        with nogil:
            s = nogil_create_free(n)
    elif op == "ref copy":
        with nogil:
            s = nogil_ref_copy(shared, n)
    elif op == "virtual call":
        with nogil:
            s = nogil_virtual_call(shared, n)
    else:
        raise ValueError(op)
    return s


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
