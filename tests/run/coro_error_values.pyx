# distutils: language = c++
"""A coroutine function may declare its error any way Cython allows (`except -1`,
`except -1.0`, `except? -1`, `except *`, void): its exception reaches run()'s caller, or is
reported for a spawned coroutine, and nothing stays pending for the next run()."""
from cyn.coro cimport run, spawn, sleep, WaitGroup

cdef int exact_value(int x) except -1 nogil:
    raise KeyError(x)

cdef double exact_double(int x) except -1.0 nogil:
    raise KeyError(x)

cdef int maybe_value(int x) except? -1 nogil:
    raise KeyError(x)

cdef long checked(int x) except * nogil:
    raise KeyError(x)

cdef void plain(int x) nogil:
    raise KeyError(x)

cdef int fine(int x) except -1 nogil:
    return x


def _raised_by(which, int x):
    try:
        with nogil:
            if which == 0:
                run(exact_value, x)
            elif which == 1:
                run(exact_double, x)
            elif which == 2:
                run(maybe_value, x)
            elif which == 3:
                run(checked, x)
            else:
                run(plain, x)
    except KeyError as e:
        return e.args
    return None


def test_every_error_declaration_reaches_the_caller():
    for which in range(5):
        assert _raised_by(which, which + 10) == (which + 10,)
        # nothing left pending: a clean run, then the next error is its own
        with nogil:
            run(fine, 1)
        assert _raised_by(4, 99) == (99,)


cdef class Job nogil:
    cdef int run(self) except -1:
        raise ValueError("from Job.run")


cdef void spawn_them() noexcept nogil:
    spawn(Job())
    spawn(exact_value, 6)
    sleep(0.05)


def test_spawned_coroutines_with_error_values_are_reported():
    import sys, time
    seen = []
    old = sys.unraisablehook
    sys.unraisablehook = lambda info: seen.append(info.exc_value)
    try:
        with nogil:
            run(spawn_them)
        for _ in range(100):
            if len(seen) >= 2:
                break
            time.sleep(0.01)
    finally:
        sys.unraisablehook = old
    assert sorted(repr(e) for e in seen) == ["KeyError(6)", "ValueError('from Job.run')"]
    assert _raised_by(4, 5) == (5,)
