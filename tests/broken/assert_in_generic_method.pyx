# distutils: language = c++
"""Generic nogil classes written in Cython: `cdef class Box[T] nogil:` used as Box[long],
Box[Point], Box[Box[long]], with counted references inside, special methods and errors."""

cdef long deallocated = 0


cdef class Point nogil:
    cdef long x

    def __init__(self, long x):
        self.x = x

    def __dealloc__(self):
        global deallocated
        deallocated += 1


cdef class Box[T] nogil:
    cdef T value

    def __init__(self, T value):
        self.value = value

    cdef T get(self):
        return self.value

        assert False
    cdef void set(self, T v):
        self.value = v


cdef class Pair[A, B] nogil:
    cdef A first
    cdef B second

    def __init__(self, A first, B second):
        self.first = first
        self.second = second

    cdef Pair[B, A] swapped(self):
        return Pair[B, A](self.second, self.first)


cdef class Stack[T] nogil:
    """Generic, with special methods and an error path."""
    cdef T items[8]
    cdef long n

    def __len__(self):
        return self.n

    def __getitem__(self, long i) -> T:
        if i < 0 or i >= self.n:
            raise IndexError("Stack index out of range")
        return self.items[i]

    def __contains__(self, T x):
        for i in range(self.n):
            if self.items[i] == x:
                return True
        return False

    cdef void push(self, T x) except *:
        if self.n == 8:
            raise OverflowError("Stack is full")
        self.items[self.n] = x
        self.n += 1


cdef long scalars() nogil:
    d = Box[double](0.5)
    b.set(b.get() + 1)
    return b.get() * 10 + <long>(d.get() * 4)


def test_scalar_instantiations():
    assert scalars() == 42


cdef long nested() nogil:
    inner = Box[long](7)
    outer = Box[Box[long]](inner)
    inner.set(8)                     # shared, as Python assignment shares
    return outer.get().get()


def test_nested_shares_the_inner_object():
    assert nested() == 8


cdef Box[Point] boxed_point() nogil:
    p = Point(11)
    return Box[Point](p)             # p's local reference goes away here


cdef long read_boxed() nogil:
    b = boxed_point()
    return b.get().x


def test_field_of_nogil_type_keeps_the_object_alive():
    global deallocated
    deallocated = 0
    assert read_boxed() == 11
    assert deallocated == 1          # freed exactly when the box (its last holder) died


cdef long replace_boxed() nogil:
    b = Box[Point](Point(1))
    b.set(Point(2))                  # the first point loses its last reference
    first_gone = deallocated
    b.set(None)
    return first_gone * 10 + deallocated


def test_overwriting_a_field_releases_the_old_object():
    global deallocated
    deallocated = 0
    assert replace_boxed() == 12


cdef long pairs() nogil:
    p = Pair[long, double](2, 0.25)
    q = p.swapped()
    return <long>(q.first * 100) + q.second


def test_two_parameters():
    assert pairs() == 27


cdef long stack_ops() except -1 nogil:
    s = Stack[long]()
    s.push(5)
    s.push(9)
    return len(s) * 100 + s[1] * 10 + (5 in s) + (7 in s) * 1000


def test_special_methods_on_generic_class():
    assert stack_ops() == 291


cdef long stack_overflow() except -1 nogil:
    s = Stack[Point]()
    for i in range(9):
        s.push(Point(i))
    return 0


cdef long stack_index_error() except -1 nogil:
    s = Stack[double]()
    return <long>s[0]


def test_errors_from_generic_methods():
    global deallocated
    deallocated = 0
    try:
        stack_overflow()
    except OverflowError as e:
        assert str(e) == "Stack is full"
    else:
        assert False
    assert deallocated == 9          # the 8 stored points and the rejected one
    try:
        stack_index_error()
    except IndexError as e:
        assert str(e) == "Stack index out of range"
    else:
        assert False
