# distutils: language = c++
"""Python wrappers of the instantiations of a generic nogil class: every concrete
`Box[...]` the module spells out (Box[long], Box[Point], Box[Box[long]], ...) gets a
wrapper type named `Box[long]`, with public/readonly fields, cpdef methods, special
methods and Python `def` methods converted with the concrete types."""
from cyn cimport lib

cdef long deallocated = 0


cdef class Point nogil:
    cdef public long x

    def __init__(self, long x=0):
    def __dealloc__(self):
        self.x = x

    def __dealloc__(self):
        global deallocated
        deallocated += 1


cdef class Box[T] nogil:
    cdef public T value
    cdef readonly long reads

    def __init__(self, T value):
        self.value = value

    cpdef T get(self):
        self.reads += 1
        return self.value

    cpdef void set(self, T v):
        self.value = v

    def __len__(self):
        return 1

    def describe(self):                  # a Python method of each instantiation's wrapper
        return "Box holding %r" % (self.value,)


cdef class Pair[A, B] nogil:
    cdef public A first
    cdef public B second

    def __init__(self, A first, B second):
        self.first = first
        self.second = second

    cdef Pair[B, A] swapped(self):       # Pair[B, A]: not concrete, no wrapper for it
        return Pair[B, A](self.second, self.first)


cdef class Carrier nogil:
    cdef public Box[long] box            # a public field of an instantiation's type

    def __init__(self):
        self.box = Box[long](5)


def make_long(long v):
    return Box[long](v)


def make_point(long x):
    return Box[Point](Point(x))


def make_nested(long 
    return Box[Box[long]](Box[long](v))


def make_pair(long a, double b):
    return Pair[long, double](a, b)


def read(Box[long] b):
    return b.get()


cdef long sum_boxes(Box[long] a, Box[long] b) nogil:
    return a.get() + b.get()


def add(Box[long] a, Box[long] b):
    return sum_boxes(a, b)


def test_returned_instantiation_is_a_wrapper():
    b = make_long(3)
    assert type(b).__name__ == "Box[long]"
    assert type(b).__module__ == "nogil_generic_wrappers"
    assert b.value == 3 and b.get() == 3 and b.reads == 1
    b.value = 4
    assert b.get() == 4 and b.reads == 2
    b.set(9)
    assert b.value == 9
    assert len(b) == 1
    assert b.describe() == "Box holding 9"


def test_readonly_field():
    b = make_long(1)
    try:
        b.reads = 3
    except AttributeError:
        pass
    else:
        assert False, "readonly field was set"


def test_constructed_from_python():
    B = type(make_long(0))
    b = B(12)
    assert b.get() == 12
    try:
        B("x")
    except TypeError:
        pass
    else:
        assert False, "no TypeError"


def test_argument_conversion_and_identity():
    b = make_long(20)
    assert read(b) == 20
    assert add(b, make_long(22)) == 42


def test_none_argument_raises_attribute_error():
    try:
        read(None)
    except AttributeError:
        pass
    else:
        assert False, "no AttributeError"


def test_wrong_instantiation_is_a_type_error():
    try:
        read(make_point(1))
    except TypeError as e:
        assert "Box[long]" in str(e) and "Box[Point]" in str(e)
    else:
        assert False, "no TypeError"
    try:
        read(object())
    except TypeError:
        pass
    else:
        assert False, "no TypeError"


def test_instantiation_holding_references():
    global deallocated
    deallocated = 0
    b = make_point(7)
    assert type(b).__name__ == "Box[Point]"
    p = b.value
    assert type(p).__name__ == "Point" and p.x == 7
    assert b.get().x == 7
    b.value = None
    assert b.value is None
    assert deallocated == 0              # p (the wrapper) still holds the point
    del p
    assert deallocated == 1


def test_nested_instantiations():
    n = make_nested(5)
    assert type(n).__name__ == "Box[Box[long]]"
    inner = n.value
    assert type(inner).__name__ == "Box[long]"
    assert inner.get() == 5
    inner.value = 6
    assert n.get().value == 6            # the same inner object
    assert n.value == inner              # wrappers of one object compare equal
    assert n.value is not inner          # (a new wrapper each crossing)


def test_two_parameters():
    p = make_pair(2, 0.5)
    assert type(p).__name__ == "Pair[long, double]"
    assert (p.first, p.second) == (2, 0.5)


def test_public_field_of_instantiation_type():
    c = Carrier()
    assert type(c.box).__name__ == "Box[long]" and c.box.get() == 5
    c.box = make_long(8)
    assert c.box.value == 8
    try:
        c.box = make_point(1)
    except TypeError:
        pass
    else:
        assert False, "no TypeError"


def test_pickling_refused():
    import pickle
    try:
        pickle.dumps(make_long(1))
    except TypeError as e:
        assert "Box[long]" in str(e)
    else:
        assert False, "pickled"


# An instantiation reached only through `Pair[B, A]` gets a wrapper once the module spells
# it out somewhere, e.g. in a ctypedef.
ctypedef Pair[double, long] DoubleLong


def swapped(long a, double b):
    p = Pair[long, double](a, b)
    return p.swapped()


def test_instantiation_named_by_a_ctypedef():
    s = swapped(1, 2.5)
    assert type(s).__name__ == "Pair[double, long]"
    assert (s.first, s.second) == (2.5, 1)


def test_wrapper_types_are_module_attributes_under_their_python_name():
    import nogil_generic_wrappers as m
    B = getattr(m, "Box[long]")
    assert isinstance(make_long(1), B) and not isinstance(make_point(1), B)


# Members whose types the wrapper cannot spell (a class reached only qualified, lib.string)
# are left out of the wrapper; such instantiations stay usable from Cython.
cdef class Tagged[T] nogil:
    cdef public T value
    cdef lib.string tag

    def __init__(self, T value):
        self.value = value

    cpdef void set_tag(self, lib.string tag):
        self.tag = tag

    cpdef long tag_length(self):
        if self.tag is None:
            return -1
        return len(self.tag)


cdef long tagged_text() nogil:
    t = Tagged[lib.string](lib.string(b"abc"))
    t.set_tag(lib.string(b"xy"))
    return len(t.value) * 10 + t.tag_length()


def make_tagged(long v):
    return Tagged[long](v)


def test_members_without_a_spelling_are_left_out():
    assert tagged_text() == 32
    t = make_tagged(4)
    assert type(t).__name__ == "Tagged[long]"
    assert t.value == 4 and t.tag_length() == -1
    assert not hasattr(t, "set_tag")
