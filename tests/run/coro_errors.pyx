# Exceptions raised in coroutines: run()'s root hands its exception to run()'s caller (same
# type and message), a spawned coroutine's exception is reported, not lost.
from cyn.coro cimport run, spawn, WaitGroup, Channel

cdef void root_raises(int code) nogil:
    if code > 0:
        raise ValueError("bad code %d" % code)

def test_exception_in_run_root_reaches_the_caller():
    import pytest
    with pytest.raises(ValueError, match="bad code 7"):
        with nogil:
            run(root_raises, 7)

def test_run_root_without_exception_returns_normally():
    with nogil:
        run(root_raises, 0)


cdef void spawned_raises(WaitGroup wg) nogil:
    wg.done()
    raise KeyError("lost?")

cdef void spawn_one_that_raises() nogil:
    wg = WaitGroup()
    wg.add(1)
    spawn(spawned_raises, wg)
    wg.wait()

def test_exception_in_spawned_coroutine_is_reported(capfd=None):
    import sys, io
    seen = []
    old_hook = sys.unraisablehook
    sys.unraisablehook = lambda info: seen.append(info)
    try:
        with nogil:
            run(spawn_one_that_raises)
        import time
        for _ in range(100):          # the report happens when the coroutine ends, after done()
            if seen:
                break
            time.sleep(0.01)
    finally:
        sys.unraisablehook = old_hook
    assert len(seen) == 1
    assert isinstance(seen[0].exc_value, KeyError)
    assert "coroutine" in str(seen[0].object)
