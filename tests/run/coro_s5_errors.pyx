# Errors and edge cases of the coroutine API as a Cython user meets them (SPEC §3): misuse of
# WaitGroup, Mutex and Channel raises a Python exception (never hangs, aborts or crashes),
# None where a channel or object is expected, select over None channels (Go's nil channel),
# and sleep() durations outside the ordinary range.
from libc.math cimport INFINITY, NAN
from cyn.coro cimport run, spawn, WaitGroup, Channel, Mutex, Select, sleep


cdef class Job nogil:
    cdef long runs
    cdef void run(self):
        self.runs += 1


cdef void done_too_often() nogil:
    wg = WaitGroup()
    wg.add(1)
    wg.done()
    wg.done()

def test_waitgroup_done_too_often_raises_runtime_error():
    import pytest
    with pytest.raises(RuntimeError, match="negative WaitGroup counter"):
        with nogil:
            run(done_too_often)


cdef void add_negative() nogil:
    wg = WaitGroup()
    wg.add(-1)

def test_waitgroup_add_negative_raises_runtime_error():
    import pytest
    with pytest.raises(RuntimeError, match="negative WaitGroup counter"):
        with nogil:
            run(add_negative)


cdef long caught_count = 0

cdef void catch_with_gil() nogil:
    # The error is a Python exception here, so `with gil: try/except` catches it; before, a
    # C++ exception escaped through the `with gil` block and left the GIL held for good.
    global caught_count
    wg = WaitGroup()
    m = Mutex()
    ch = Channel[int](1)
    ch.close()
    with gil:
        try:
            wg.done()
        except RuntimeError:
            caught_count += 1
        try:
            m.unlock()
        except RuntimeError:
            caught_count += 1
        try:
            ch.send(1)
        except RuntimeError:
            caught_count += 1
    wg.add(1)                          # the failed done() left the counter at zero
    wg.done()

def test_errors_are_catchable_inside_a_coroutine():
    global caught_count
    caught_count = 0
    with nogil:
        run(catch_with_gil)
    assert caught_count == 3


cdef void catch_without_gil() nogil:
    # The same errors caught by nogil try/except (the GIL is taken on the error path only).
    global caught_count
    wg = WaitGroup()
    m = Mutex()
    ch = Channel[int](1)
    ch.close()
    try:
        wg.done()
    except RuntimeError:
        caught_count += 1
    try:
        m.unlock()
    except RuntimeError:
        caught_count += 1
    try:
        ch.send(1)
    except RuntimeError:
        caught_count += 1
    try:
        ch.close()
    except RuntimeError:
        caught_count += 1

def test_errors_are_catchable_in_nogil_code():
    global caught_count
    caught_count = 0
    with nogil:
        run(catch_without_gil)
    assert caught_count == 4


cdef void unlock_unlocked() nogil:
    m = Mutex()
    m.lock()
    m.unlock()
    m.unlock()

def test_unlocking_an_unlocked_mutex_raises_runtime_error():
    import pytest
    with pytest.raises(RuntimeError, match="unlock of unlocked mutex"):
        with nogil:
            run(unlock_unlocked)


def test_waitgroup_misuse_outside_coroutines_raises_too():
    import pytest
    cdef WaitGroup wg
    with nogil:
        wg = WaitGroup()
    with pytest.raises(RuntimeError):
        with nogil:
            wg.done()
    assert wg.count() == 0


def test_negative_channel_capacity_raises_value_error():
    import pytest
    cdef long n = -1
    with pytest.raises(ValueError, match="capacity"):
        with nogil:
            ch = Channel[int](n)
    with nogil:
        ok = Channel[int](0)
    assert ok.cap() == 0


cdef void spawn_none() nogil:
    cdef Job job = None
    spawn(job)

def test_spawn_of_none_raises_attribute_error():
    import pytest
    with pytest.raises(AttributeError, match="run"):
        with nogil:
            run(spawn_none)


cdef long chosen[4]

cdef void select_with_none_channels() noexcept nogil:
    cdef int v = -1
    cdef bint ok = False
    cdef Channel[int] off = None       # Go: a nil channel switches its case off
    ready = Channel[int](1)
    sel = Select()
    sel.recv(off, &v, &ok)
    sel.send(off, 5)
    chosen[0] = sel.poll()             # nothing can proceed: the default case
    ready.send(7)
    sel = Select()
    sel.recv(off, &v, &ok)
    sel.send(off, 5)
    sel.recv(ready, &v, &ok)
    chosen[1] = sel.wait()
    chosen[2] = v
    chosen[3] = ok

def test_select_cases_on_none_channels_are_never_ready():
    with nogil:
        run(select_with_none_channels)
    assert [chosen[i] for i in range(4)] == [-1, 2, 7, 1]


cdef void select_only_none() noexcept nogil:
    cdef int v = 0
    cdef Channel[int] off = None
    sel = Select()
    sel.recv(off, &v)
    sel.wait()

def test_select_on_only_none_channels_blocks_forever():
    import pytest
    with pytest.raises(RuntimeError, match="deadlock"):
        with nogil:
            run(select_only_none)


cdef int woke = 0

cdef void long_sleeper(double seconds) noexcept nogil:
    global woke
    sleep(seconds)
    woke += 1

cdef void start_long_sleepers() noexcept nogil:
    spawn(long_sleeper, 1e10)          # past int64 nanoseconds: used to return at once
    spawn(long_sleeper, INFINITY)
    sleep(NAN)                         # NaN only yields
    sleep(0.05)

def long_sleepers_woke():
    global woke
    woke = 0
    with nogil:
        run(start_long_sleepers)
    return woke

def test_huge_and_infinite_sleeps_do_not_return_early():
    # In a process of its own: the two sleepers stay asleep for good, and a process with a
    # pending timer never reports a deadlock (a later deadlock test there would hang).
    import os, subprocess, sys
    code = ("import sys; sys.path.insert(0, %r); import %s as m; print(m.long_sleepers_woke())"
            % (os.path.dirname(os.path.abspath(__file__)), __name__))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0"
