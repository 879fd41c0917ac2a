# cython: language_level=3, cdivision=True, boundscheck=False, wraparound=False
# bench_coro — the coroutine benchmarks written in Cython on cyn.coro: the same four
# algorithms, same n, as runtime/bench/coro_bench.cpp (C++) and benchmarks/go/coro/ (Go).
#
#     import bench_coro
#     seconds = bench_coro.skynet_bench(1_000_000)     # checks the sum, returns wall seconds
#
# Every coroutine below is a `noexcept nogil` Cython function; each entry point releases the
# GIL, runs its benchmark's main coroutine with cyn.coro.run() (like Go's main goroutine),
# times exactly that call, checks the result exactly and returns the seconds.
# benchmarks/coro/cython_peer.py builds this module and is the command-line driver.

from time import perf_counter

from cyn.coro cimport run, spawn, WaitGroup, Channel, yield_

cdef extern from "cyn/scheduler.hpp" namespace "cyn" nogil:
    int num_workers()      # worker threads of the running scheduler (CYN_THREADS)


# The result of the last benchmark, read back by the entry points (one benchmark at a time).
cdef long g_result = 0


# ---- spawn / spawn_yield: n coroutines spawned and joined with a WaitGroup --------------------

cdef void empty_task(WaitGroup wg) noexcept nogil:
    wg.done()

cdef void yield_task(WaitGroup wg) noexcept nogil:
    yield_()
    wg.done()

cdef void spawn_main(long n, bint yield_once) noexcept nogil:
    global g_result
    cdef long i
    wg = WaitGroup()
    wg.add(n)
    if yield_once:
        for i in range(n):
            spawn(yield_task, wg)
    else:
        for i in range(n):
            spawn(empty_task, wg)
    wg.wait()
    g_result = n


# ---- skynet: a tree of coroutines, `div` children each, sums sent up over channels -----------

cdef void skynet(Channel[long] out, long num, long size, long div) noexcept nogil:
    cdef long i, sub, total
    if size == 1:
        out.send(num)
        return
    rc = Channel[long]()               # unbuffered, like Go's make(chan int)
    sub = size // div
    for i in range(div):
        spawn(skynet, rc, num + i * sub, sub, div)
    total = 0
    for i in range(div):
        total += rc.recv()
    out.send(total)

cdef void skynet_main(long n) noexcept nogil:
    global g_result
    c = Channel[long]()
    spawn(skynet, c, <long>0, n, <long>10)
    g_result = c.recv()


# ---- pingpong: two coroutines bounce a number over unbuffered channels -----------------------

cdef void pong(Channel[long] ping_ch, Channel[long] pong_ch, long n) noexcept nogil:
    cdef long i
    for i in range(n):
        pong_ch.send(ping_ch.recv() + 1)

cdef void pingpong_main(long n) noexcept nogil:
    global g_result
    cdef long i, v = 0
    ping_ch = Channel[long]()
    pong_ch = Channel[long]()
    spawn(pong, ping_ch, pong_ch, n)
    for i in range(n):
        ping_ch.send(v)
        v = pong_ch.recv()
    g_result = v


# ---- entry points: wall seconds of one run, result checked exactly ----------------------------

def _checked(name, long expected, double seconds):
    if g_result != expected:
        raise AssertionError("%s: result %d, expected %d" % (name, g_result, expected))
    return seconds


def spawn_bench(long n):
    """n empty coroutines spawned and joined; returns wall seconds."""
    global g_result
    g_result = -1
    t0 = perf_counter()
    with nogil:
        run(spawn_main, n, <bint>False)
    return _checked("spawn", n, perf_counter() - t0)


def spawn_yield_bench(long n):
    """n coroutines that each yield once, spawned and joined; returns wall seconds."""
    global g_result
    g_result = -1
    t0 = perf_counter()
    with nogil:
        run(spawn_main, n, <bint>True)
    return _checked("spawn_yield", n, perf_counter() - t0)


def skynet_bench(long n):
    """skynet over n leaves (a power of 10); the sum must be n*(n-1)/2. Returns wall seconds."""
    global g_result
    cdef long leaves = 1
    while leaves < n:
        leaves *= 10
    if n < 1 or leaves != n:
        # Any other n reaches size 0 below a node, whose children would spawn forever.
        raise ValueError("skynet needs a power of 10 leaves, got %d" % n)
    g_result = -1
    t0 = perf_counter()
    with nogil:
        run(skynet_main, n)
    return _checked("skynet", n * (n - 1) // 2, perf_counter() - t0)


def pingpong_bench(long n):
    """n round trips over two unbuffered channels; the number must come back as n."""
    global g_result
    g_result = -1
    t0 = perf_counter()
    with nogil:
        run(pingpong_main, n)
    return _checked("pingpong", n, perf_counter() - t0)


def last_result():
    """The checked result of the last benchmark (the `result=` of the output line)."""
    return g_result


def workers():
    """Worker threads of the scheduler (valid once a benchmark has started it)."""
    return num_workers()


BENCHES = {
    "spawn": spawn_bench,
    "spawn_yield": spawn_yield_bench,
    "skynet": skynet_bench,
    "pingpong": pingpong_bench,
}
