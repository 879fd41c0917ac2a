# distutils: language = c++
# distutils: extra_compile_args = -fopenmp
# distutils: extra_link_args = -fopenmp
"""References everywhere: globals, arrays, closures, generators, casts, prange."""
from cython.parallel cimport prange, threadid
from libcpp.vector cimport vector

cdef class Item nogil:
    cdef long value
    cdef Item other
    def __init__(self, long value=0):
        self.value = value
    cdef long get(self):
        return self.value

cdef class Special(Item) nogil:
    cdef long get(self):
        return 100 + self.value

cdef class Holder nogil:
    cdef Item items[4]
    cdef vector[int] numbers

cdef Item g_item

cdef Item pass_through(Item x) nogil:
    return x

def test_global():
    global g_item
    g_item = Item(5)
    assert g_item.get() == 5
    g_item = None

def test_fixed_array_and_vector_fields():
    cdef Holder h = Holder()
    for i in range(4):
        assert h.items[i] is None
    h.items[2] = Special(1)
    h.numbers.push_back(7)
    assert h.items[2].get() == 101 and h.numbers.size() == 1

def test_c_array_of_refs():
    cdef Item arr[3]
    arr[0] = Item(1)
    arr[1] = arr[0]
    assert arr[1] is arr[0] and arr[2] is None

def test_closure():
    cdef Item it = Item(3)
    def inner():
        return it.get()
    assert inner() == 3

def gen_values(long n):
    cdef Item it = Item(n)
    for i in range(3):
        yield it.get() + i

def test_generator():
    assert list(gen_values(10)) == [10, 11, 12]
    g = gen_values(1)
    next(g)
    del g

def test_virtual_through_base_ref():
    cdef Item base = Special(2)
    assert base.get() == 102
    assert isinstance(base, Special) and isinstance(base, Item)
    cdef Special s = <Special>base
    assert s.get() == 102
    cdef Item plain = Item(1)
    assert not isinstance(plain, Special)
    try:
        s = <Special?>plain
    except TypeError as e:
        assert str(e) == "Cannot convert nogil_refs.Item to Special"     # names what it got
    else:
        assert False
    s = <Special?>base
    assert s is base

def test_return_and_args():
    a = Item(9)
    assert pass_through(a) is a
    assert pass_through(None) is None

def test_cycle_broken_by_hand():
    a = Item(1)
    b = Item(2)
    a.other = b
    b.other = a        # a cycle: not collected
    b.other = None     # break it, or both leak

cdef long hammer(Item shared, int n) nogil:
    # 4 threads copy, store (each into its own slot) and drop references to one object:
    # every count change is atomic, the object survives and is freed exactly once.
    cdef long total = 0
    cdef int i, tid
    cdef Item local
    cdef Item slots[4]
    for i in prange(n, num_threads=4, schedule='static'):
        tid = threadid()
        local = shared                  # copy: atomic increment
        slots[tid] = local              # store
        total += slots[tid].value
        slots[tid] = None               # drop
        local = None
    return total

def test_prange_stress():
    shared = Item(1)
    assert hammer(shared, 200000) == 200000


from cyn cimport lib

cdef long sum_of_squares(lib.list[long] xs) except? -1 nogil:
    cdef long total = 0
    cdef Py_ssize_t i
    for i in prange(len(xs), num_threads=2):      # len() of a nogil container as the bound
        total += xs[i] * xs[i]
    return total

def test_prange_over_len_of_a_container():
    assert sum_of_squares(list(range(100))) == sum(i * i for i in range(100))
