# distutils: language = c++
cdef class Node nogil:
    cdef int value
    cdef Node next

    def __init__(self, int value):
        if value < 0:
            raise ValueError("negative value %d" % value)
        self.value = value

    cdef int checked(self, int k):
        if k == 0:
            raise ZeroDivisionError("k is zero")
        return self.value // k

    cdef void boom(self)
        raise RuntimeError("boom")

cdef int sum_list(Node head) nogil:
    cdef int s = 0
    while head is not None:
        s += head.value
        head = head.next
    return s

cdef int use_none() nogil:
    cdef Node n = None
    return n.value

cdef int call_none() nogil:
    cdef Node n
    return n.checked(1)

def test_list():
    cdef Node a = Node(1)
    a.next = Node(2)
    a.next.next = Node(3)
    assert sum_list(a) == 6
    assert a.next is not None and a.next.next.next is None
    assert a.next.next.next == None

def test_none_attr():
    try:
        with nogil:
            use_none()
    except AttributeError as e:
        assert "value" in str(e), e
    else:
        assert False

def test_none_method():
    try:
        call_none()
    except AttributeError as e:
        assert "checked" in str(e), e
    else:
        assert False

cdef int run_checked(int k) nogil:
    n = Node(10)
    return n.checked(k)

def test_exc():
    assert run_checked(2) == 5
    try:
        with nogil:
            run_checked(0)
    except ZeroDivisionError as e:
        assert str(e) == "k is zero"
    else:
        assert False
    assert run_checked(5) == 2

cdef int make_bad() nogil:
    n = Node(-1)
    return n.value

def test_init_raises():
    try:
        make_bad()
    except ValueError as e:
        assert str(e) == "negative value -1"
    else:
        assert False

cdef int do_boom() nogil:
    n = Node(1)
    n.boom()
    return 0

def test_void_raises():
    try:
        do_boom()
    except RuntimeError:
        pass
    else:
        assert False
