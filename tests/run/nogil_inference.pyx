# distutils: language = c++
"""Type inference of variables holding nogil references: `None` is a value of every nogil
reference type, so `o = Point(); o = None` infers `Point` (not `object`); assignments of
several classes of one hierarchy infer their nearest common base."""
cimport cython

cdef long deallocated = 0


cdef class Point nogil:
    cdef double x

    def __init__(self, double x=0):
        self.x = x

    cdef double norm2(self):
        return self.x * self.x

    def __dealloc__(self):
        global deallocated
        deallocated += 1


cdef class Point3(Point) nogil:
    cdef double z

    def __init__(self, double x=0, double z=0):
        Point.__init__(self, x)
        self.z = z

    cdef double norm2(self):
        return Point.norm2(self) + self.z * self.z


cdef class Point2(Point) nogil:
    cdef double norm2(self):
        return 2 * Point.norm2(self)


cdef class Point3b(Point3) nogil:
    pass


cdef class Other nogil:
    pass


# ---- None assignments --------------------------------------------------------------
cdef double drop_with_none() nogil:
    o = Point(3)
    r = o.norm2()
    o = None                     # the object goes away here, not at the end of the function
    if deallocated != 1:
        return -1
    return r


def test_none_assignment_infers_the_class_in_nogil_code():
    global deallocated
    deallocated = 0
    assert drop_with_none() == 9
    assert deallocated == 1


def test_inferred_type_is_the_class():
    o = Point(2)
    o = None
    assert cython.typeof(o) == "Point"
    assert o is None


cdef long none_first(int k) nogil:
    o = None
    if k > 0:
        o = Point(k)
    if o is None:
        return -1
    return <long>o.norm2()


def test_none_first():
    assert none_first(3) == 9
    assert none_first(0) == -1


cdef double keep_last(int n) nogil:
    last = None
    for i in range(n):
        last = Point(i)          # each new object replaces (and frees) the previous one
    if last is None:
        return -1
    return last.norm2()


def test_none_and_a_loop():
    global deallocated
    deallocated = 0
    assert keep_last(4) == 9
    assert deallocated == 4
    assert keep_last(0) == -1


cdef double dependents() nogil:
    o = Point(4)
    q = o                        # follows o: a Point as well
    n = o.norm2()                # a double (it was an object while o was one)
    o = None
    return q.norm2() + n


def test_variables_depending_on_a_none_assigned_one():
    assert dependents() == 32
    o = Point(1)
    q = o
    n = o.norm2()
    o = None
    assert cython.typeof(q) == "Point"
    assert cython.typeof(n) == "double"


def test_none_access_raises_attribute_error():
    o = Point(1)
    o = None
    try:
        o.norm2()
    except AttributeError as e:
        assert "norm2" in str(e)
    else:
        assert False, "no AttributeError"


cdef double none_attribute() except? -1 nogil:
    o = Point(1)
    o = None
    return o.x


def test_none_field_read_in_nogil_code_raises():
    try:
        none_attribute()
    except AttributeError as e:
        assert "'x'" in str(e)
    else:
        assert False, "no AttributeError"


# ---- several classes of one hierarchy ------------------------------------------------
cdef double subclass_then_base() nogil:
    o = Point3(1, 2)
    o = Point(3)
    return o.norm2()


cdef double siblings(int k) nogil:
    if k == 1:
        o = Point3(1, 2)
    elif k == 2:
        o = Point2(3)
    else:
        o = None
    if o is None:
        return -1
    return o.norm2()             # virtual: the dynamic class's norm2


cdef double cousins(int k) nogil:
    o = Point3b(1, 1)
    if k:
        o = Point2(1)
    return o.norm2()


def test_common_base_is_inferred():
    assert subclass_then_base() == 9
    assert siblings(1) == 5
    assert siblings(2) == 18
    assert siblings(3) == -1
    assert cousins(0) == 2 and cousins(1) == 2
    o = Point3(1, 2)
    o = Point2(1)
    assert cython.typeof(o) == "Point"
    p = Point3b()
    p = Point3()
    assert cython.typeof(p) == "Point3"


def test_subclass_objects_are_freed():
    global deallocated
    deallocated = 0
    siblings(1)
    siblings(2)
    cousins(1)
    assert deallocated == 4


# ---- what stays a Python object -------------------------------------------------------
def make_object():
    return 42


def test_unrelated_classes_stay_python_objects():
    o = Point(1)
    o = Other()
    assert cython.typeof(o) == "Python object"
    assert type(o).__name__ == "Other"


def test_python_values_stay_python_objects():
    o = Point(1)
    o = make_object()            # a Python value: `o` is an object, as upstream infers
    assert cython.typeof(o) == "Python object"
    assert o == 42
    o = Point(1)
    o = None
    o = make_object()
    assert o == 42


@cython.infer_types(False)
def test_inference_off_keeps_objects():
    o = Point(1)
    o = None
    assert cython.typeof(o) == "Python object"
