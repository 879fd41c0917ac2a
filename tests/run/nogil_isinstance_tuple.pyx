# distutils: language = c++
# isinstance(o, (B, C)) in nogil code: true when o is an instance of any of the classes (nested
# tuples flattened), as in Python; it was refused ("Converting to Python object not allowed
# without gil").
cdef class A nogil:
    pass

cdef class B(A) nogil:
    pass

cdef class C nogil:
    pass

cdef class D(C) nogil:
    pass

cdef int made = 0

cdef bint is_b_or_c(A a) nogil:
    return isinstance(a, (B, C))

cdef A make(int i) nogil:
    global made
    made += 1
    if i == 0:
        return A()
    return B()

cdef bint nested_tuple(int i) nogil:
    return isinstance(make(i), ((D, (B,)), C))


def test_any_class_of_the_tuple_matches():
    assert not is_b_or_c(A())
    assert is_b_or_c(B())
    assert not is_b_or_c(None)


def test_nested_tuples_and_argument_evaluated_once():
    global made
    made = 0
    assert not nested_tuple(0)
    assert nested_tuple(1)
    assert made == 2


def test_gil_code_typed_reference():
    cdef C c = D()
    assert isinstance(c, (B, D))
    assert not isinstance(c, (B,))


def test_python_objects_use_the_wrappers():
    o = <object>D()
    assert isinstance(o, (B, C))
    assert not isinstance(o, (A, B))
