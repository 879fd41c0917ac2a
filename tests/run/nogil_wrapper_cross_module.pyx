# distutils: language = c++
# requires: _xmod_shapes
"""Wrapper protocols with a nogil class of another module (tests/run/_xmod_shapes.pxd):
a subclass's wrapper inherits pickling from the other module's wrapper, unbound methods check
`self`, `not None` works for an argument of the cimported type."""
import pickle

from _xmod_shapes cimport Shape
import _xmod_shapes


cdef class Framed(Shape) nogil:
    cdef double border

    def __init__(self, double w, double h, double border=1):
        Shape.__init__(self, w, h)
        self.border = border

    cpdef double outer(self):
        return (self.w + 2 * self.border) * (self.h + 2 * self.border)


cdef class Tagged(Shape) nogil:
    pass


def area_of(Shape s not None):
    return s.w * s.h


def test_subclass_of_another_modules_class_refuses_pickling_by_its_name():
    for o in (Framed(1, 2), Tagged(1, 2)):
        try:
            pickle.dumps(o)
        except TypeError as e:
            assert str(e) == ("cannot pickle %s objects: nogil class without __reduce__"
                              % type(o).__name__), str(e)
        else:
            assert False


def test_unbound_methods_check_self_across_modules():
    cdef object F = Framed
    cdef object S = _xmod_shapes.Shape
    assert F.outer(Framed(1, 1)) == 9.0
    assert S.scaled_area(Framed(1, 2), 2) == S.scaled_area(_xmod_shapes.Shape(1, 2), 2)
    for f, bad in ((F.outer, _xmod_shapes.Shape(1, 1)), (F.outer, 3), (S.scaled_area, None)):
        try:
            f(bad) if f is F.outer else f(bad, 2)
        except TypeError as e:
            assert "doesn't apply to a" in str(e), str(e)
        else:
            assert False


def test_not_none_argument_of_a_cimported_type():
    assert area_of(Framed(2, 3)) == 6.0
    try:
        area_of(None)
    except TypeError as e:
        assert str(e) == "Argument 's' must not be None"
    else:
        assert False
