# distutils: language = c++
# requires: _xmod_shapes _xmod_mid
"""SPEC §1 last bullet and §2: a nogil class declared in a .pxd and defined in another
extension module is used, constructed and subclassed here; objects cross both modules and
Python in every direction, and __dealloc__ of the other module's base runs for our subclass.
"""
from _xmod_shapes cimport Shape, Square, Plain, total_area, Money, Tag
from _xmod_mid cimport Tile
from cyn cimport lib
import _xmod_shapes
import _xmod_mid

cdef class Frame(Shape) nogil:
    """Derives from a class of another module: overrides a virtual method, calls the base's."""
    cdef double border

    def __init__(self, double w, double h, double border):
        Shape.__init__(self, w, h)
        self.border = border

    cdef double area(self):
        return Shape.area(self) + self.border

cdef class Holder nogil:
    cdef Shape inner          # a field of the other module's type

cdef double areas() nogil:
    cdef Shape s = Shape(2, 3)
    q = Square(4)             # inferred as the other module's Square
    f = Frame(2, 3, 1)
    return s.area() + q.area() + f.area()

def test_construct_and_call_from_another_module():
    assert areas() == 6 + 16 + 7

cdef double virtual_from_defining_module() nogil:
    cdef Shape f = Frame(1, 1, 10)
    # scaled_area is compiled in _xmod_shapes and calls area() virtually: our override runs
    return f.scaled_area(2) + total_area(f, Square(1))

def test_defining_module_dispatches_to_our_override():
    assert virtual_from_defining_module() == 22 + 12

cdef bint checks() nogil:
    cdef Shape s = Frame(1, 1, 1)
    cdef Plain p = Plain()
    return isinstance(s, Frame) and not isinstance(Shape(1, 1), Frame) \
        and (<Frame?>s).border == 1 and s is not None and p.value == 0

def test_isinstance_and_checked_cast():
    assert checks()

cdef Frame bad_cast() nogil:
    cdef Shape s = Square(1)
    return <Frame?>s

def test_checked_cast_failure_raises_type_error():
    try:
        bad_cast()
    except TypeError:
        pass
    else:
        raise AssertionError("no TypeError")

cdef double negative() except -1 nogil:
    return Shape(-1, 2).checked_area()

def test_exception_from_other_module_propagates():
    try:
        negative()
    except ValueError as e:
        assert str(e) == "negative width"
    else:
        raise AssertionError("no ValueError")

def test_dealloc_of_base_runs_for_our_subclass():
    before = _xmod_shapes.deallocations()
    with nogil:
        f = Frame(1, 1, 1)
        f = None
    assert _xmod_shapes.deallocations() == before + 1

def test_field_of_other_module_type():
    cdef Holder h = Holder()
    h.inner = Square(3)
    assert h.inner.area() == 9
    h.inner = None

def make_frame():
    return Frame(2, 2, 1)

def make_square():
    return Square(5)

def area_here(Shape s):
    return s.area()

def test_wrappers_mirror_the_hierarchy_across_modules():
    f = make_frame()
    assert type(f).__name__ == "Frame"
    assert isinstance(f, _xmod_shapes.Shape)
    assert issubclass(Frame, _xmod_shapes.Shape)
    assert Frame.__mro__[1] is _xmod_shapes.Shape
    assert f.w == 2 and f.h == 2 and f.serial > 0     # properties of the base wrapper
    assert f.scaled_area(3) == 15                      # cpdef of the base: our override runs
    assert type(make_square()) is _xmod_shapes.Square

def test_objects_cross_both_ways():
    assert area_here(_xmod_shapes.Shape(3, 3)) == 9    # built by the other module's wrapper
    assert _xmod_shapes.area_of(make_frame()) == 5     # ours, given to the other module
    assert area_here(Frame(1, 2, 3)) == 5              # our wrapper's constructor

def test_wrong_type_names_both_types():
    try:
        area_here(3)
    except TypeError as e:
        assert "_xmod_shapes.Shape" in str(e) and "int" in str(e), str(e)
    else:
        raise AssertionError("no TypeError")
    try:
        _xmod_shapes.area_of(object())
    except TypeError as e:
        assert "Shape" in str(e) and "object" in str(e), str(e)
    else:
        raise AssertionError("no TypeError")

def test_identity_is_kept_across_modules():
    s = _xmod_shapes.Shape(1, 1)
    cdef Shape ref = s
    assert ref.serial == s.serial
    cdef object back = ref          # the same object converted again: an equal wrapper
    assert back == s and hash(back) == hash(s)


cdef class GlazedTwice(Tile) nogil:
    """Three modules deep: Shape (_xmod_shapes) <- Tile (_xmod_mid) <- GlazedTwice (here)."""
    def __init__(self, double side):
        Tile.__init__(self, side, 1)

    cdef double layers(self):
        return Tile.layers(self) + 1

cdef double three_deep() nogil:
    cdef Shape s = GlazedTwice(2)
    cdef Tile t = GlazedTwice(3)
    return s.area() + t.layers() + s.scaled_area(10)

def test_three_modules_deep():
    assert three_deep() == 5 + 2 + 50
    g = GlazedTwice(1)
    assert [c.__name__ for c in type(g).__mro__] == ["GlazedTwice", "Tile", "Shape", "object"]
    assert isinstance(g, _xmod_mid.Tile) and isinstance(g, _xmod_shapes.Shape)
    assert _xmod_shapes.area_of(g) == 2


cdef double with_defaults() nogil:
    cdef Shape s = Shape(2, 2)
    return s.padded() + s.padded(10)     # the default lives in the defining module

def test_optional_arguments_declared_with_star_in_the_pxd():
    assert with_defaults() == 5 + 14


def test_containers_of_the_other_modules_objects_convert():
    cdef lib.list[Shape] shapes = [_xmod_shapes.Shape(1, 2), _xmod_shapes.Square(3), Frame(1, 1, 1)]
    back = shapes.to_py()
    assert [type(x).__name__ for x in back] == ["Shape", "Square", "Frame"]
    assert [x.w for x in back] == [1, 3, 1]
    try:
        shapes = [object()]
    except TypeError as e:
        assert "Shape" in str(e), str(e)
    else:
        raise AssertionError("no TypeError")


cdef long special_methods_here() except -1 nogil:
    a, b = Money(150), Money(150)
    c = Money(20)
    t = Tag(3)
    total = a + c
    return ((a == b) * 100000 + (a != c) * 10000 + (c < a) * 1000 + (hash(a) == 150) * 100
            + (len(t) == 3) * 10 + (hash(t) == 30) + (total.cents == 170) * 1000000
            + (not Tag(0)) * 10000000)


def test_special_methods_of_another_modules_class():
    # declared in the .pxd (Money) and left out of it (Tag): as in the defining module
    assert special_methods_here() == 11111111
    assert _xmod_shapes.equal_in_defining_module(Money(5), Money(5))


def test_containers_use_another_modules_special_methods():
    cdef lib.set[Money] s = lib.set[Money]()
    cdef lib.list[Money] xs = lib.list[Money]()
    with nogil:
        s.add(Money(1))
        s.add(Money(1))
        xs.append(Money(30))
        xs.append(Money(10))
        xs.append(Money(20))
        xs.sort()
    assert len(s) == 1
    assert [m.cents for m in xs] == [10, 20, 30]


def test_wrappers_of_another_modules_class_compare_by_value():
    assert Money(7) == Money(7) and hash(Money(7)) == 7
    assert Tag(2) == Tag(2) and len(Tag(2)) == 2
