# SPEC §2 / issue 4 from the Python side: every point of the issue, one test each, with the
# live-object counter checked by the harness after each test.

cdef class Shape nogil:
    cdef public double scale
    cdef readonly long serial
    cdef Shape parent

    def __init__(self, double scale=1.0, long serial=0):
        self.scale = scale
        self.serial = serial

    cpdef double area(self):
        return 0.0

    cpdef double checked_area(self, double limit):
        if self.area() > limit:
            raise ValueError("area %.1f above limit %.1f" % (self.area(), limit))
        return self.area()

    def describe(self):
        return "%s(scale=%s)" % (type(self).__name__, self.scale)


cdef class Square(Shape) nogil:
    cdef double side

    def __init__(self, double side, double scale=1.0):
        Shape.__init__(self, scale, 7)
        self.side = side

    cpdef double area(self):
        return self.side * self.side * self.scale


cdef class Unrelated nogil:
    cdef int x


def total_area(Shape s):
    """A function typed with the base accepts a derived wrapper."""
    cdef double a
    with nogil:
        a = s.area()
    return a


def keep_parent(Shape child, Shape parent):
    child.parent = parent


def parent_of(Shape child):
    return child.parent


def same_object(Shape a, Shape b):
    return a is b


class _PythonView:
    """What Python code sees: the module's attributes (the wrapper types), not the nogil
    types the names denote inside this module."""
    def __getattr__(self, name):
        import sys
        return getattr(sys.modules[__name__], name)

py = _PythonView()


def test_types_are_on_the_module_under_their_real_names():
    assert py.Shape.__name__ == "Shape" and py.Square.__name__ == "Square"
    assert py.Shape.__module__ == "interop_python"
    assert py.Square.__qualname__ == "Square"


def test_construction_converts_arguments_like_cython():
    import pytest
    s = py.Square(3, scale=2)
    assert s.area() == 18.0
    with pytest.raises(TypeError):
        py.Square("three")
    with pytest.raises(OverflowError):
        py.Shape(1.0, 2 ** 80)
    with pytest.raises(TypeError):
        py.Square()                       # missing required argument


def test_public_and_readonly_fields_are_properties():
    import pytest
    s = py.Square(2)
    assert s.serial == 7
    s.scale = 0.5
    assert s.area() == 2.0
    with pytest.raises(AttributeError):
        s.serial = 1
    assert not hasattr(s, "side")      # a plain cdef field is not visible from Python


def test_cpdef_and_def_methods_from_python():
    s = py.Square(3)
    assert s.area() == 9.0
    assert s.describe() == "Square(scale=1.0)"


def test_hierarchy_is_mirrored():
    assert issubclass(py.Square, py.Shape)
    assert not issubclass(py.Shape, py.Square)
    assert isinstance(py.Square(1), py.Shape)
    assert py.Square.mro()[:2] == [py.Square, py.Shape]
    assert not issubclass(py.Unrelated, py.Shape)


def test_base_typed_argument_accepts_derived_and_dispatches_virtually():
    assert total_area(py.Square(4)) == 16.0
    assert total_area(py.Shape()) == 0.0


def test_wrong_type_is_a_type_error_naming_both_types():
    import pytest
    with pytest.raises(TypeError) as info:
        total_area(py.Unrelated())
    message = str(info.value)
    assert "Shape" in message and "Unrelated" in message
    with pytest.raises(TypeError):
        total_area(3)


def test_identity_survives_the_round_trip():
    a = py.Square(1)
    b = py.Shape()
    keep_parent(a, b)
    back = parent_of(a)
    assert back == b and hash(back) == hash(b)
    assert same_object(back, b)
    assert not same_object(a, b)
    assert type(back) is py.Shape
    keep_parent(a, a)                  # a self-cycle: broken by hand (no cycle collection)
    assert type(parent_of(a)) is py.Square
    keep_parent(a, None)
    assert parent_of(a) is None


def test_object_lives_while_either_side_holds_it():
    child = py.Square(1)
    keep_parent(child, py.Square(5))      # only the nogil side holds the parent now
    import gc
    gc.collect()
    assert parent_of(child).area() == 25.0


def test_exception_reaches_python_with_type_message_and_pyx_traceback():
    import pytest, traceback
    with pytest.raises(ValueError, match="area 16.0 above limit 10.0") as info:
        py.Square(4).checked_area(10.0)
    frames = traceback.extract_tb(info.value.__traceback__)
    assert any(f.filename.endswith("interop_python.pyx") for f in frames)


def test_repr_shows_class_and_address():
    import re
    text = repr(py.Square(1))
    assert re.match(r"<interop_python\.Square object at 0x[0-9a-f]+>$", text), text


def test_pickling_is_refused_clearly():
    import pickle, pytest
    with pytest.raises(TypeError):
        pickle.dumps(py.Square(1))
