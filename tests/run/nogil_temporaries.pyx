# distutils: language = c++
"""A temporary's reference goes as soon as its expression is done with it (SPEC §1: an object
dies exactly when its last reference disappears), as CPython releases a temporary: each
function returns how many objects died before its end, times ten, plus a value it read."""
from libcpp.vector cimport vector
from cyn cimport lib

cdef long deaths = 0


cdef class P nogil:
    cdef long x
    cdef P child
    def __init__(self, long x=0):
        self.x = x
    def __dealloc__(self):
        global deaths
        deaths += 1
    cdef long get(self):
        return self.x
    cdef P next_one(self):
        return P(self.x + 1)
    def __eq__(self, P other):
        return other is not None and other.x == self.x
    def __add__(self, P other) -> P:
        return P(self.x + other.x)
    def __bool__(self):
        return self.x != 0


cdef P make(long x) nogil:
    return P(x)


cdef long field_of_temporary() nogil:
    global deaths
    deaths = 0
    cdef long v = make(3).x
    return deaths * 10 + v


cdef long method_of_temporary() nogil:
    global deaths
    deaths = 0
    cdef long v = make(3).get()
    return deaths * 10 + v


cdef long chained_temporaries() nogil:
    global deaths
    deaths = 0
    cdef long v = make(3).next_one().next_one().x
    return deaths * 10 + v


cdef long operators_on_temporaries() nogil:
    global deaths
    deaths = 0
    cdef bint same = make(3) == make(3)
    cdef long total = (make(3) + make(4)).x
    cdef bint none = make(1) is None
    cdef bint truth = True if make(2) else False
    cdef long cast = (<P?>make(5)).x
    # 2 + 3 + 1 + 1 + 1 objects made, all gone
    return deaths * 10000 + same * 1000 + total * 100 + (not none) * 10 + truth + cast - 5


cdef long temporaries_in_a_loop() nogil:
    global deaths
    deaths = 0
    cdef long total = 0
    for i in range(5):
        total += make(i).x
    return deaths * 10 + total


cdef long stored_in_a_vector() nogil:
    global deaths
    deaths = 0
    cdef vector[P] v
    v.push_back(P(1))
    v.clear()                   # the vector held the only reference
    return deaths


cdef long rebinding() nogil:
    global deaths
    deaths = 0
    a = P(0)
    for i in range(10):
        a = a.next_one()        # each old object's last reference goes here
    return deaths * 100 + a.x


def test_a_temporary_dies_with_its_statement():
    assert field_of_temporary() == 13
    assert method_of_temporary() == 13
    assert chained_temporaries() == 35


def test_operators_release_their_temporaries():
    assert operators_on_temporaries() == 8 * 10000 + 1000 + 700 + 10 + 1


def test_a_loop_releases_each_temporary():
    assert temporaries_in_a_loop() == 5 * 10 + sum(range(5))


def test_a_cpp_container_holds_the_only_reference():
    assert stored_in_a_vector() == 1


def test_rebinding_a_variable_releases_the_old_object():
    assert rebinding() == 1010


def test_temporaries_with_the_gil():
    global deaths
    deaths = 0
    cdef long v = make(7).x
    assert (deaths, v) == (1, 7)
    cdef object o = P(2)        # the wrapper holds it
    assert deaths == 1
    o = None
    assert deaths == 2


# ---------------------------------------------------------------- evaluated once
cdef class Reading nogil:
    cdef public double value

    cdef double twice(self):
        return 2 * self.value


cdef int readings_made = 0

cdef Reading next_reading() noexcept nogil:
    global readings_made
    readings_made += 1
    r = Reading()
    r.value = readings_made
    return r


def test_attribute_and_method_of_a_call_evaluate_the_call_once():
    # the None check of `f().x` tests the result it then uses (it called f() twice: with
    # `ch.recv().x`, two messages were taken)
    global readings_made
    readings_made = 0
    cdef double x, y
    with nogil:
        x = next_reading().value
        y = next_reading().twice()
    assert readings_made == 2
    assert (x, y) == (1, 4)


# ---------------------------------------------------------------- loops release what they iterate
cdef long loop_freed = 0

cdef class Counted nogil:
    def __dealloc__(self):
        global loop_freed
        loop_freed += 1


cdef lib.list[Counted] two_counted() except * nogil:
    cdef lib.list[Counted] xs = [Counted(), Counted()]
    return xs


cdef long freed_after_loop() except? -1 nogil:
    for c in two_counted():
        pass
    c = None
    return loop_freed           # the list (held by the loop's iterator) is gone here


cdef long freed_after_break() except? -1 nogil:
    for c in two_counted():
        break
    c = None
    return loop_freed


def test_a_loop_releases_its_container_when_it_ends():
    global loop_freed
    loop_freed = 0
    assert freed_after_loop() == 2
    loop_freed = 0
    assert freed_after_break() == 2
