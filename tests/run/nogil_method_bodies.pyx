# distutils: language = c++
"""Statements that upstream rewrites before analysis work inside nogil-class methods as in
any nogil function: `assert` (with and without message), `cdef T x = value`, `with gil:`,
augmented assignment to fields, loops with `else`."""

cdef class Acc nogil:
    cdef long total
    cdef long calls

    def __init__(self, long start):
        cdef long twice = 2 * start
        self.total = twice

    cdef long add(self, long k):
        cdef long doubled = 2 * k
        assert k >= 0, "negative step"
        assert k < 1000
        self.total += doubled
        self.calls += 1
        return self.total

    cdef long count_to(self, long n):
        cdef long i
        for i in range(n):
            if i == 1000:
                break
        else:
            with gil:
                self.calls = -1
        return self.calls

cdef long add_to(long start, long k) except? -1 nogil:
    a = Acc(start)
    return a.add(k)

def test_cdef_local_with_value_and_augmented_assignment():
    assert add_to(1, 3) == 2 + 6

def test_assert_with_message_raises_assertion_error():
    try:
        add_to(0, -1)
    except AssertionError as e:
        assert str(e) == "negative step"
    else:
        raise AssertionError("assert did not fire")

def test_assert_without_message():
    try:
        add_to(0, 5000)
    except AssertionError as e:
        assert str(e) == ""
    else:
        raise AssertionError("assert did not fire")

def test_for_else_and_with_gil_block():
    cdef Acc a = Acc(0)
    assert a.count_to(3) == -1
