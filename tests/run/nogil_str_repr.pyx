# distutils: language = c++
"""`__str__`/`__repr__` of nogil classes: `def __str__(self) -> lib.string:` is a nogil
special method, so `str(o)`/`repr(o)` work in nogil code (str falls back to __repr__, as in
Python), and `str(w)`/`repr(w)` of the Python wrapper call them and convert the result to a
Python str.  Without a return type, `def __repr__(self):` stays a Python method of the wrapper."""
from cyn cimport lib


cdef class Point nogil:
    cdef long x

    def __init__(self, long x=0):
        self.x = x

    def __str__(self) -> lib.string:
        return lib.string(b"P") * self.x

    def __repr__(self) -> lib.string:
        return lib.string(b"Point(") + lib.string.from_long(self.x) + lib.string(b")")


cdef class Point3(Point) nogil:
    def __repr__(self) -> lib.string:          # overrides: virtual, in nogil code and Python
        return lib.string(b"Point3")


cdef class OnlyRepr nogil:
    cdef lib.string name

    def __init__(self, long n):
        self.name = lib.string(b"abc") * n

    def __repr__(self) -> lib.string:
        if len(self.name) == 0:
            raise ValueError("no name")
        return self.name


cdef class PyRepr nogil:
    cdef public long n

    def __repr__(self):                        # no return type: a Python method of the wrapper
        return "PyRepr(%d)" % self.n


cdef class Neither nogil:
    pass


cdef lib.string texts(Point p) nogil:
    return str(p) + lib.string(b"|") + repr(p)


def test_str_and_repr_in_nogil_code():
    assert texts(Point(2)) == "PP|Point(2)"


def test_virtual_repr():
    assert texts(Point3(1)) == "P|Point3"


cdef lib.string str_falls_back_to_repr() nogil:
    o = OnlyRepr(1)
    s = str(o)                                 # inferred: lib.string
    return s + repr(o)


def test_str_falls_back_to_repr():
    assert str_falls_back_to_repr() == "abcabc"


cdef lib.string raising_repr() nogil:
    o = OnlyRepr(0)
    return repr(o)


def test_exception_from_repr_in_nogil_code():
    try:
        raising_repr()
    except ValueError as e:
        assert str(e) == "no name"
    else:
        assert False, "no ValueError"


def test_wrapper_uses_the_nogil_methods():
    p = Point(3)
    assert str(p) == "PPP" and type(str(p)) is str
    assert repr(p) == "Point(3)"
    assert "%s %r" % (p, p) == "PPP Point(3)"
    assert f"{p}" == "PPP"
    q = Point3(2)
    assert repr(q) == "Point3" and str(q) == "PP"
    o = OnlyRepr(2)
    assert str(o) == "abcabc" and repr(o) == "abcabc"


def test_wrapper_of_a_returned_reference():
    cdef Point p = Point3(1)
    w = p                                      # the wrapper of the dynamic class
    assert repr(w) == "Point3" and str(w) == "P"


def test_exception_from_wrapper_repr():
    o = OnlyRepr(0)
    try:
        repr(o)
    except ValueError as e:
        assert str(e) == "no name"
    else:
        assert False, "no ValueError"


def test_python_repr_method_stays_python():
    r = PyRepr()
    r.n = 5
    assert repr(r) == "PyRepr(5)" and str(r) == "PyRepr(5)"


def test_default_repr_shows_the_address():
    n = Neither()
    assert repr(n).startswith("<") and " object at 0x" in repr(n)
    assert str(n) == repr(n)


def test_str_of_typed_reference_in_python_code():
    cdef Point p = Point(2)
    s = str(p)                                 # the nogil __str__: a lib.string
    assert s == "PP"
    assert repr(p) == "Point(2)"
