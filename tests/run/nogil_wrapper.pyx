# distutils: language = c++
"""Python wrapper of nogil classes (SPEC section 2).

>>> p = Point(1.0, 2.0)
>>> p.norm2_py()
5.0
>>> p.tag
0
>>> p.tag = 7
>>> p.tag
7
>>> p.ro
3
>>> p.ro = 1
Traceback (most recent call last):
AttributeError: attribute 'ro' of 'nogil_wrapper.Point' objects is not writable
>>> Point("x")
Traceback (most recent call last):
TypeError: must be real number, not str
>>> issubclass(Point3, Point), isinstance(Point3(), Point)
(True, True)
>>> repr(p).startswith("<nogil_wrapper.Point object at 0x")
True
"""
cdef class Point nogil:
    cdef double x, y
    cdef public int tag
    cdef readonly int ro

    def __init__(self, double x=0, double y=0):
        self.x = x
        self.y = y
        self.ro = 3

    cpdef double norm2(self):
        return self.x * self.x + self.y * self.y

    cpdef void scale(self, double k):
        self.x *= k
        self.y *= k

    def norm2_py(self):
        return self.norm2()

    cpdef double inverse_x(self):
        if self.x == 0:
            raise ZeroDivisionError("x is zero")
        return 1 / self.x

cdef class Point3(Point) nogil:
    cdef double z
    cpdef double norm2(self):
        return Point.norm2(self) + self.z * self.z

def make_point(double x, double y):
    return Point(x, y)

def make_point3_as_point():
    cdef Point p = Point3()
    return p

def norm_of(Point p):
    if p is None:
        return -1.0
    return p.norm2()

def same(Point a, Point b):
    return a is b

def test_roundtrip():
    p = make_point(3, 4)
    assert p.norm2() == 25.0
    assert norm_of(p) == 25.0
    assert norm_of(None) == -1.0
    assert make_point(1, 1) is not None

def test_dynamic_wrapper_type():
    p = make_point3_as_point()
    assert type(p) is Point3

def test_identity():
    p = Point(1, 2)
    assert same(p, p)
    assert not same(p, Point(1, 2))
    q = Point(1, 2)
    assert p == p and p != q
    assert hash(p) == hash(p)

def test_cpdef_void():
    p = Point(1, 2)
    p.scale(2)
    assert p.norm2() == 20.0

def test_wrong_type():
    try:
        norm_of(42)
    except TypeError as e:
        assert "Point" in str(e)
    else:
        assert False

def test_pickle_refused():
    import pickle
    try:
        pickle.dumps(Point())
    except TypeError:
        pass
    else:
        assert False

def test_cpdef_raises_through_wrapper():
    assert Point(2, 0).inverse_x() == 0.5
    try:
        Point(0, 1).inverse_x()
    except ZeroDivisionError as e:
        assert str(e) == "x is zero"
    else:
        assert False
    assert Point(4, 0).inverse_x() == 0.25     # a stale error hint does not leak into later calls

def test_returned_none_is_none():
    cdef Point p = None
    assert make_none() is None

def make_none():
    cdef Point p = None
    return p

cdef class Pickled nogil:
    cdef public double v
    def __init__(self, double v=0):
        self.v = v
    def __reduce__(self):           # a Python-only method: `self` is the wrapper
        return (Pickled, (self.v,))

def test_pickling_with_user_reduce():
    import pickle
    p = pickle.loads(pickle.dumps(Pickled(2.5)))
    assert type(p) is Pickled and p.v == 2.5


cdef class Flag nogil:
    cdef int value
    def __init__(self, int value):
        self.value = value
    cpdef bint is_zero(self):
        return self.value == 0
    cpdef unsigned long long widened(self):
        return <unsigned long long>self.value * 4294967296ULL

def test_cpdef_with_bint_and_long_long_results():
    assert Flag(0).is_zero() is True
    assert Flag(3).is_zero() is False
    assert Flag(3).widened() == 3 * 4294967296
