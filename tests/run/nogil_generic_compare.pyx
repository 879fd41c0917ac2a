# distutils: language = c++
"""Comparisons of a generic class's `T` values compare what the instantiation holds the way
Python would: numbers as numbers, strings by content, objects through their class's __eq__
(else identity) and __lt__/__le__… (else TypeError); a special method's exception propagates."""
from cyn cimport lib


cdef class Key nogil:
    cdef long k
    def __init__(self, long k):
        self.k = k
    def __eq__(self, Key other):
        if self.k < 0:
            raise ValueError("negative key")
        return other is not None and self.k == other.k
    def __lt__(self, Key other):
        return self.k < other.k


cdef class Plain nogil:
    cdef long k


cdef class Box[T] nogil:
    cdef T value
    def __init__(self, T value):
        self.value = value
    cdef long relation(self, Box[T] other) except -1:
        """A digit per comparison: == != < > (1 when true)."""
        return ((self.value == other.value) * 1000 + (self.value != other.value) * 100
                + (self.value < other.value) * 10 + (self.value > other.value))
    cdef bint same(self, Box[T] other) except? False:
        return self.value == other.value
    cdef bint at_most(self, Box[T] other) except? False:
        return self.value <= other.value


cdef long relations_of_numbers() except -1 nogil:
    return Box[long](1).relation(Box[long](2)) * 10000 + Box[double](2.5).relation(Box[double](2.5))


cdef long relations_of_objects() except -1 nogil:
    a, b, c = Box[Key](Key(1)), Box[Key](Key(2)), Box[Key](Key(1))
    return a.relation(b) * 10000 + a.relation(c)


cdef long relations_of_strings() except -1 nogil:
    a = Box[lib.string](lib.string(b"apple"))
    b = Box[lib.string](lib.string(b"pear"))
    c = Box[lib.string](lib.string(b"apple"))
    return a.relation(b) * 10000 + a.relation(c) * 10 + a.at_most(c)


def test_numbers_compare_as_numbers():
    assert relations_of_numbers() == 110 * 10000 + 1000
    assert (1 == 2, 1 != 2, 1 < 2, 1 > 2) == (False, True, True, False)


def test_objects_compare_through_their_special_methods():
    # Key(1) vs Key(2): != and <; Key(1) vs another Key(1): == by __eq__, not identity
    assert relations_of_objects() == 110 * 10000 + 1000


def test_strings_compare_by_content():
    assert relations_of_strings() == 110 * 10000 + 1000 * 10 + 1


cdef bint plain_boxes_equal(bint same_object) except? False nogil:
    p = Plain()
    a = Box[Plain](p)
    b = Box[Plain](p if same_object else Plain())
    return a.same(b)


cdef bint plain_at_most() except? False nogil:
    return Box[Plain](Plain()).at_most(Box[Plain](Plain()))


cdef bint key_at_most() except? False nogil:
    return Box[Key](Key(1)).at_most(Box[Key](Key(2)))


cdef bint raising_eq() except? False nogil:
    return Box[Key](Key(-1)).same(Box[Key](Key(1)))


def test_objects_without_methods_use_identity_and_have_no_order():
    import pytest
    assert plain_boxes_equal(True) and not plain_boxes_equal(False)
    with pytest.raises(TypeError, match="'<=' not supported between instances of 'Plain' and 'Plain'"):
        plain_at_most()
    with pytest.raises(TypeError, match="'<=' not supported"):
        key_at_most()           # Key defines __lt__ but not __le__: Python refuses <= too


def test_an_exception_in_eq_propagates():
    import pytest
    with pytest.raises(ValueError, match="negative key"):
        raising_eq()


cdef class Hashed nogil:
    cdef long k
    def __init__(self, long k):
        self.k = k
    def __eq__(self, Hashed other):
        return other is not None and other.k == self.k
    def __hash__(self):
        return self.k * 7


cdef class Holder[T] nogil:
    cdef T value
    def __init__(self, T value):
        self.value = value
    def __eq__(self, Holder[T] other):
        return other is not None and self.value == other.value
    def __hash__(self):
        return hash(self.value)


cdef long hashes() except -1 nogil:
    s = lib.set[Holder[lib.string]]()
    s.add(Holder[lib.string](lib.string(b"a")))
    s.add(Holder[lib.string](lib.string(b"a")))     # equal content: one member
    s.add(Holder[lib.string](lib.string(b"b")))
    return (len(s) * 1000 + (hash(Holder[long](5)) == 5) * 100 + (hash(Holder[long](-1)) == -2) * 10
            + (hash(Holder[Hashed](Hashed(3))) == 21))


cdef Py_ssize_t hash_of_unhashable() except? -1 nogil:
    return hash(Holder[Key](Key(1)))


def test_hash_of_t_values_follows_the_instantiation():
    assert hashes() == 2000 + 100 + 10 + 1
    assert (hash(5), hash(-1)) == (5, -2)       # Python's integers, as in nogil code
    import pytest
    with pytest.raises(TypeError, match="unhashable type: 'Key'"):
        hash_of_unhashable()                    # Key has __eq__ and no __hash__
