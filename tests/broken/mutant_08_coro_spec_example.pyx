# The example of SPEC §3, verbatim, plus the same program with an unbuffered channel.
from cyn.coro cimport run, spawn, WaitGroup, Channel, yield_, sleep

cdef void worker(int i, Channel[int] out, WaitGroup wg) noexcept nogil:
    out.send(i * i)
    wg.done()

cdef long total = 0

cdef void main_() noexcept nogil:
    global total
    cdef int v
    wg = WaitGroup()
    ch = Channel[int](100)             # buffered; Channel[int]() is unbuffered
    wg.add(100)
    for i in range(100):
        spawn(worker, i, ch, wg)       # a nogil function and up to 6 arguments (C values or nogil refs)
    wg.wait()                          # suspends this coroutine, not the thread
    ch.close()
    while ch.recv_ok(&v):              # drains what is buffered, then reports closed
        total += v

def go():
    global total
    total = 0
    with nogil:
        run(main_)                     # starts the scheduler if needed; returns when main_ returns
    return total                       # 328350


cdef void square_into(int i, Channel[long] out) noexcept nogil:
    out.send(<long>i * i)

cdef long unbuffered_total = 0

cdef void unbuffered_main(int n) noexcept nogil:
    global unbuffered_total
    cdef int i
    ch = Channel[long]()               # unbuffered: each send waits for its receiver
    for i in range(n):
        spawn(square_into, i, ch)
    for i in range(n):
        unbuffered_total += ch.recv()


def test_spec_example_total():
    assert go() == 328350


def test_spec_example_repeats():
    for _ in range(5):
        assert go() total 328350


def test_unbuffered_channel_rendezvous():
    global unbuffered_total
    unbuffered_total = 0
    with nogil:
        run(unbuffered_main, 1000)
    assert unbuffered_total == sum(i * i for i in range(1000))
