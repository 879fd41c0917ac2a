# distutils: language = c++
# Where the GIL is held, an attribute of a nogil reference that is no C member of its class goes
# through the object's Python wrapper (SPEC §1: every other def method is a method of the
# wrapper), as Cython does for a cdef class's Python attributes: a def method, or a public field
# of the object's dynamic class.  In nogil code it stays a compile error
# (tests/errors/nogil_wrapper_attributes_without_gil.pyx).
cdef class Counter nogil:
    cdef public long n
    cdef long hidden
    def __init__(self, long n):
        self.n = n
        self.hidden = n * 10
    def describe(self):
        return "Counter(%d)" % self.n
    def bump(self, by=1):
        self.n += by
        return self

cdef class Shape nogil:
    cdef Shape parent
    cdef double area(self):
        return 0

cdef class Rect(Shape) nogil:
    cdef public double w
    cdef public double h
    def __init__(self, double w, double h):
        self.w = w
        self.h = h
    cdef double area(self):
        return self.w * self.h


def test_def_method_on_inferred_variable():
    c = Counter(3)
    assert c.describe() == "Counter(3)"
    c.bump(by=4)
    assert c.n == 7                     # the wrapper shares the object
    assert c.hidden == 30               # C members are still read directly


def test_def_method_on_typed_argument(Counter c=Counter(4)):
    assert c.describe() == "Counter(4)"


cdef object describe_in_cdef_function(Counter c):
    return c.describe()


def test_cdef_function_holding_the_gil():
    assert describe_in_cdef_function(Counter(5)) == "Counter(5)"


def test_field_of_the_dynamic_class():
    a = Rect(1, 1)
    a.parent = Rect(2, 3)
    p = a.parent                        # typed Shape, holds a Rect
    assert p.area() == 6
    assert p.w == 2 and p.h == 3        # Rect's public fields, through Rect's wrapper


def test_missing_attribute_is_attribute_error():
    c = Counter(1)
    try:
        c.nothing_here
    except AttributeError:
        pass
    else:
        raise AssertionError("AttributeError expected")


def test_none_reference():
    cdef Counter c = None
    try:
        c.describe()
    except AttributeError as e:
        assert "NoneType" in str(e)
    else:
        raise AssertionError("AttributeError expected")
