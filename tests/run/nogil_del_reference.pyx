# distutils: language = c++
# `del t` of a nogil reference: t stays typed as its class (the deletion made an inferred t a
# Python object, so `t.insert(3)` became a Python attribute lookup failing at run time), and the
# reference goes at once: the object dies there when it was the last one, as in CPython.
cdef int deallocs = 0

cdef class Q nogil:
    cdef long n
    cdef void insert(self, long x):
        self.n += x
    def __dealloc__(self):
        global deallocs
        with gil:
            deallocs += 1


def test_inferred_variable_keeps_its_class():
    t = Q()
    t.insert(3)
    n = t.n
    del t
    assert n == 3


def test_del_releases_the_object_now():
    global deallocs
    deallocs = 0
    t = Q()
    keep = Q()
    del t
    assert deallocs == 1
    t = Q()                      # the name may be bound again
    t.insert(5)
    assert t.n == 5
    del t, keep
    assert deallocs == 3


def test_shared_object_survives_del_of_one_name():
    global deallocs
    deallocs = 0
    cdef Q a = Q()
    b = a
    del a
    assert deallocs == 0
    b.insert(2)
    assert b.n == 2
    del b
    assert deallocs == 1


cdef long in_nogil_code() nogil:
    t = Q()
    t.insert(4)
    n = t.n
    del t
    t = Q()
    t.insert(n + 1)
    return t.n


def test_del_in_nogil_code():
    global deallocs
    deallocs = 0
    assert in_nogil_code() == 5
    assert deallocs == 2

