# distutils: language = c++
"""__dealloc__ runs exactly when the last reference goes, on the dropping thread; temps are
released at once; defaults: C fields zero, references None."""
from libcpp.vector cimport vector
from cyn.coro cimport run

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


# Dropping the head of a very long chain: each node's destructor releases the next node, but
# the runtime bounds the recursion (cyn/object.hpp), so neither the 8 MiB main-thread stack
# nor a 64 KiB coroutine stack overflows, and every __dealloc__ has run, head first, by the
# time the statement that dropped the head completes.
cdef long chain_deallocs = 0
cdef long chain_expected = 0
cdef long chain_out_of_order = 0

cdef class ChainNode nogil:
    cdef ChainNode next
    cdef long value
    def __dealloc__(self):
        global chain_deallocs, chain_expected, chain_out_of_order
        chain_deallocs += 1
        if self.value != chain_expected:
            chain_out_of_order += 1
        chain_expected -= 1

cdef long drop_chain(long n) noexcept nogil:
    global chain_deallocs, chain_expected, chain_out_of_order
    chain_deallocs = 0
    chain_out_of_order = 0
    chain_expected = n - 1
    cdef ChainNode head = None
    cdef ChainNode x
    cdef long i
    for i in range(n):
        x = ChainNode()
        x.value = i
        x.next = head
        head = x
    x = None
    if chain_deallocs != 0:
        return -1
    head = None            # the whole chain goes here
    return chain_deallocs

def test_million_node_chain_dropped_in_nogil_code():
    cdef long seen
    with nogil:
        seen = drop_chain(1000000)
    assert seen == 1000000
    assert chain_out_of_order == 0

cdef long coro_seen = 0

cdef void drop_chain_in_coroutine() noexcept nogil:
    global coro_seen
    coro_seen = drop_chain(100000)

def test_chain_dropped_inside_a_coroutine():
    global coro_seen
    coro_seen = 0
    with nogil:
        run(drop_chain_in_coroutine)
    assert coro_seen == 100000
    assert chain_out_of_order == 0


# A class's own methods named like the runtime's counting members do not take the count over.
cdef long resource_deallocs = 0
cdef long resource_calls = 0

cdef class Resource nogil:
    cdef long handles

    cdef void incref(self):
        global resource_calls
        resource_calls += 1

    cdef void decref(self):
        global resource_calls
        resource_calls += 1

    cdef long refcount(self):
        return -1

    def __dealloc__(self):
        global resource_deallocs
        resource_deallocs += 1


cdef long share_and_drop() noexcept nogil:
    r = Resource()
    s = r
    s = None
    count = r.refcount()
    r = None
    return count


def test_methods_named_like_the_count_do_not_replace_it():
    assert share_and_drop() == -1
    assert resource_deallocs == 1 and resource_calls == 0
