# fork() after coroutines ran (multiprocessing's default start method on Linux before Python
# 3.14): the child has none of the parent's worker threads, so it starts a runtime of its own
# on first use. Its first run() used to wait forever.
from cyn.coro cimport run, spawn, WaitGroup, Channel, sleep


cdef long total = 0

cdef void add(long i, WaitGroup wg) noexcept nogil:
    global total
    sleep(0.001)                       # a timer: the child's own poller must watch it
    total += i
    wg.done()

cdef void sum_in_coroutines() noexcept nogil:
    wg = WaitGroup()
    wg.add(10)
    for i in range(10):
        spawn(add, i, wg)
    wg.wait()

def sum_0_to_9():
    global total
    total = 0
    with nogil:
        run(sum_in_coroutines)
    return total


def test_a_forked_child_runs_coroutines():
    import os
    assert sum_0_to_9() == 45          # the parent's scheduler is running now
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            code = 0 if sum_0_to_9() == 45 else 3
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert sum_0_to_9() == 45          # and the parent's still works


def _child_sum(_):
    return sum_0_to_9()

def test_multiprocessing_pool_with_fork():
    import multiprocessing
    sum_0_to_9()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        assert pool.map(_child_sum, range(4)) == [45, 45, 45, 45]
