# Coroutines and the GIL: run() called without `with nogil:`, and coroutines that block
# (sleep, channel, mutex, yield) inside `with gil:`. Every blocking call releases the GIL while
# it waits; a coroutine holding the GIL stays on its worker thread. Before, the first case
# hung forever and the second killed the interpreter ("Fatal Python error: PyGILState_Release").
from cyn.coro cimport run, spawn, WaitGroup, Channel, Mutex, sleep, yield_


cdef list log = []

cdef void log_with_gil(int i, WaitGroup wg) noexcept nogil:
    with gil:
        log.append(i)
    wg.done()

cdef void spawn_loggers() noexcept nogil:
    wg = WaitGroup()
    wg.add(20)
    for i in range(20):
        spawn(log_with_gil, i, wg)
    wg.wait()

def test_run_called_with_the_gil_held_lets_coroutines_take_it():
    del log[:]
    run(spawn_loggers)                 # no `with nogil:` around it
    assert sorted(log) == list(range(20))


cdef void raise_value_error() nogil:
    raise ValueError("from the root coroutine")

def test_run_called_with_the_gil_held_reraises():
    import pytest
    with pytest.raises(ValueError, match="from the root coroutine"):
        run(raise_value_error)


cdef long pinned_sum = 0

cdef void block_inside_with_gil(int i, Channel[int] ch, Mutex m, WaitGroup wg) noexcept nogil:
    global pinned_sum
    cdef int got
    with gil:
        log.append(i)
        sleep(0.001)                   # suspends while this thread holds the GIL
        yield_()
        m.lock()
        got = ch.recv()                # buffered: a value is there for everyone
        pinned_sum += got
        m.unlock()
        log.append(-i)
    wg.done()

cdef void spawn_blockers(int n) noexcept nogil:
    ch = Channel[int](n)
    m = Mutex()
    wg = WaitGroup()
    for i in range(n):
        ch.send(i)
    wg.add(n)
    for i in range(n):
        spawn(block_inside_with_gil, i, ch, m, wg)
    wg.wait()

def test_blocking_inside_with_gil_keeps_the_interpreter_alive():
    global pinned_sum
    del log[:]
    pinned_sum = 0
    with nogil:
        run(spawn_blockers, 40)
    assert pinned_sum == sum(range(40))
    assert sorted(log) == sorted(list(range(40)) + [-i for i in range(40)])


cdef void receive_with_gil(Channel[int] ch) noexcept nogil:
    global pinned_sum
    cdef int v
    with gil:
        while ch.recv_ok(&v):          # blocks on the unbuffered channel, GIL held
            pinned_sum += v

def test_unbuffered_receive_inside_with_gil():
    # The sender is a Python thread: it needs the GIL between sends, which the blocked
    # receiver must give up. (A pinned coroutine holds its worker thread while it waits, so
    # the sender is not a coroutine: with one worker it could never run.)
    import threading
    global pinned_sum
    pinned_sum = 0
    cdef Channel[int] ch
    with nogil:
        ch = Channel[int]()
    def produce():
        cdef int i
        for i in range(100):
            with nogil:
                ch.send(i)
        with nogil:
            ch.close()
    sender = threading.Thread(target=produce)
    sender.start()
    with nogil:
        run(receive_with_gil, ch)
    sender.join()
    assert pinned_sum == sum(range(100))


def test_waitgroup_wait_from_python_releases_the_gil():
    cdef WaitGroup wg
    del log[:]
    with nogil:
        wg = WaitGroup()
        wg.add(5)
        for i in range(5):
            spawn(log_with_gil, i, wg)
    wg.wait()                          # the GIL is held here; the coroutines need it
    assert sorted(log) == list(range(5))


from posix.signal cimport kill
from posix.unistd cimport getpid
from libc.signal cimport SIGINT

cdef int stop_flag = 0

cdef void interrupt_my_caller(WaitGroup done) noexcept nogil:
    kill(getpid(), SIGINT)             # Ctrl-C while run() waits for us
    while not stop_flag:               # keeps running after run() gave up waiting
        sleep(0.002)
    done.done()

def test_ctrl_c_interrupts_run_and_the_coroutine_runs_on():
    # Like Thread.join(): run() raises KeyboardInterrupt at once instead of after its
    # coroutine ends (before, Ctrl-C did nothing until then); the coroutine is not cancelled.
    import pytest
    global stop_flag
    stop_flag = 0
    cdef WaitGroup done
    with nogil:
        done = WaitGroup()
        done.add(1)
    with pytest.raises(KeyboardInterrupt):
        with nogil:
            run(interrupt_my_caller, done)
    assert done.count() == 1           # still running
    stop_flag = 1
    done.wait()
    assert done.count() == 0
