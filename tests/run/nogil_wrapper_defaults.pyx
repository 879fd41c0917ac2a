# distutils: language = c++
# The Python constructor of a nogil class takes __init__'s defaults, never those of a cpdef
# method with parameters at the same positions (the wrapper's defaults of all methods were
# kept under one name per position: `P()` from Python built P(7, 9)); a cpdef method with a
# nogil-reference default of None lists it in __defaults__ (its import crashed).

cdef class P nogil:
    cdef public long a, b

    def __init__(self, long a=1, long b=2):
        self.a = a
        self.b = b

    cpdef long f(self, long y=7, long x=9):
        return x * 10 + y


cdef class Node nogil:
    cdef public long v
    cdef Node nxt

    def __init__(self, long v=0, Node nxt=None):
        self.v = v
        self.nxt = nxt

    cpdef long walk(self, Node stop=None, long limit=100):
        cdef long steps = 0
        n = self
        while n is not None and n is not stop and steps < limit:
            steps += 1
            n = n.nxt
        return steps

    cpdef double scaled(self, double k=0.5):
        return self.v * k


cdef long built_in_nogil_code() nogil:
    p = P()
    return p.a * 1000 + p.b * 100 + p.f()


def test_python_constructor_takes_init_defaults():
    p = P()
    assert (p.a, p.b) == (1, 2)
    assert p.f() == 97
    q = (<object>P)(5)
    assert (q.a, q.b) == (5, 2)
    assert q.f(1) == 91 and q.f(1, 2) == 21


def test_nogil_construction_unchanged():
    assert built_in_nogil_code() == 1297


def test_defaults_of_other_types_than_init():
    n = Node()
    assert n.v == 0
    assert n.walk() == 1
    chain = Node(3, Node(2, Node(1)))
    assert chain.walk() == 3
    assert (<object>chain).walk(limit=2) == 2
    assert chain.scaled() == 1.5
    assert (<object>Node).walk.__defaults__ == (None, 100)
    assert (<object>Node).scaled.__defaults__ == (0.5,)


def test_wrong_default_type_still_rejected():
    try:
        (<object>Node)("x")
    except TypeError:
        pass
    else:
        raise AssertionError("Node('x') must raise TypeError")
