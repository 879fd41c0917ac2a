# distutils: language = c++
"""__dealloc__ runs exactly when the last reference goes, on the dropping thread; temps are
released at once; defaults: C fields zero, references None."""
from libcpp.vector cimport vector

cdef int deallocs = 0
cdef long last_value = 0

cdef class Tracked nogil:
    cdef long value
    cdef Tracked child
    cdef double arr[3]
    cdef vector[long] items
    def __init__(self, long value=0):
        self.value = value
    def __dealloc__(self):
        global deallocs, last_value
        deallocs += 1
        last_value = self.value

cdef class Sub(Tracked) nogil:
    cdef long extra
    def __dealloc__(self):
        global deallocs
        deallocs += 100          # derived __dealloc__ runs, then the base's

cdef long consume(Tracked t) nogil:
    return t.value

def test_dealloc_on_last_reference():
    global deallocs
    deallocs = 0
    cdef Tracked a = Tracked(7)
    cdef Tracked b = a
    b = None
    a = None
    assert deallocs == 0
    b = None
    assert deallocs == 1 and last_value == 7

def test_temp_released_immediately():
    global deallocs
    deallocs = 0
    assert consume(Tracked(3)) == 3
    assert deallocs == 1            # not kept alive until the end of the function

def test_zero_initialised_fields():
    cdef Tracked t = Tracked()
    assert t.value == 0 and t.child is None
    assert t.arr[0] == 0 and t.arr[2] == 0 and t.items.size() == 0

def test_chain_freed():
    head.child.child = Tracked(3)
    global deallocs
    deallocs = 0
    cdef Tracked head = Tracked(1)
    head.child = Tracked(2)
    head.child.child = Tracked(3)
    head = None
    assert deallocs == 3

def test_derived_then_base_dealloc():
    global deallocs
    deallocs = 0
    cdef Tracked t = Sub(5)
    t = None
    assert deallocs == 101
