# Channel semantics from Cython: close, drain, zero value, len, errors, refs through channels,
# select with a default case, yield_ and sleep.
from cyn.coro cimport run, spawn, WaitGroup, Channel, Mutex, Select, yield_, sleep

cdef class Message nogil:
    cdef long value
    def __init__(self, long value):
        self.value = value


cdef long observed[8]

cdef void close_and_drain() noexcept nogil:
    cdef int v = -1
    ch = Channel[int](3)
    ch.send(1)
    ch.send(2)
    observed[0] = len(ch)
    ch.close()
    observed[1] = ch.recv()            # buffered values survive close
    observed[2] = ch.recv_ok(&v)
    observed[3] = v
    observed[4] = ch.recv_ok(&v)       # drained: False, zero value
    observed[5] = v
    observed[6] = ch.recv()            # zero value once closed and drained

def test_close_then_drain():
    with nogil:
        run(close_and_drain)
    assert [observed[i] for i in range(7)] == [2, 1, 1, 2, 0, 0, 0]


cdef void send_on_closed() nogil:
    ch = Channel[int](1)
    ch.close()
    ch.send(1)                          # raises RuntimeError

def test_send_on_closed_channel_raises_runtime_error():
    import pytest
    with pytest.raises(RuntimeError, match="closed channel"):
        with nogil:
            send_on_closed()


cdef void close_twice() nogil:
    ch = Channel[int]()
    ch.close()
    ch.close()

def test_closing_twice_raises_runtime_error():
    import pytest
    with pytest.raises(RuntimeError):
        with nogil:
            close_twice()


cdef void produce_messages(Channel[Message] out, int n) noexcept nogil:
    cdef int i
    for i in range(n):
        out.send(Message(i))
    out.close()

cdef long message_sum = 0

cdef void consume_messages() noexcept nogil:
    global message_sum
    cdef Message m
    ch = Channel[Message](4)
    spawn(produce_messages, ch, 500)
    while ch.recv_ok(&m):
        message_sum += m.value
    m = None

def test_references_travel_through_channels_without_leaks():
    global message_sum
    message_sum = 0
    with nogil:
        run(consume_messages)
    assert message_sum == sum(range(500))


cdef long select_log[4]

cdef void select_default_and_ready() noexcept nogil:
    cdef int a = 0
    cdef long b = 0
    cdef Select empty_sel
    ints = Channel[int](1)
    longs = Channel[long](1)
    empty_sel.recv(ints, &a)
    empty_sel.recv(longs, &b)
    select_log[0] = empty_sel.poll()   # nothing ready: the default case
    longs.send(42)
    cdef Select ready_sel
    ready_sel.recv(ints, &a)
    ready_sel.recv(longs, &b)
    select_log[1] = ready_sel.wait()   # the ready case's index
    select_log[2] = b

def test_select_default_case_and_ready_case():
    with nogil:
        run(select_default_and_ready)
    assert [select_log[i] for i in range(3)] == [-1, 1, 42]


cdef long counter = 0

cdef void add_many(Mutex m, WaitGroup wg, int n) noexcept nogil:
    global counter
    cdef int i
    for i in range(n):
        m.lock()
        counter += 1
        if i % 64 == 0:
            yield_()                    # switch while holding the lock
        m.unlock()
    wg.done()

cdef void mutex_main() noexcept nogil:
    cdef int i
    m = Mutex()
    wg = WaitGroup()
    wg.add(8)
    for i in range(8):
        spawn(add_many, m, wg, 2000)
    wg.wait()

def test_mutex_protects_a_counter_across_workers():
    global counter
    counter = 0
    with nogil:
        run(mutex_main)
    assert counter == 16000


cdef double slept_order[3]
cdef int slept_n = 0

cdef void sleeper(double seconds, Mutex m, WaitGroup wg) noexcept nogil:
    global slept_n
    sleep(seconds)
    m.lock()
    slept_order[slept_n] = seconds
    slept_n += 1
    m.unlock()
    wg.done()

cdef void sleep_main() noexcept nogil:
    m = Mutex()
    wg = WaitGroup()
    wg.add(3)
    spawn(sleeper, 0.06, m, wg)
    spawn(sleeper, 0.02, m, wg)
    spawn(sleeper, 0.04, m, wg)
    wg.wait()

def test_sleepers_wake_in_deadline_order():
    global slept_n
    slept_n = 0
    with nogil:
        run(sleep_main)
    assert [slept_order[i] for i in range(3)] == [0.02, 0.04, 0.06]


cdef void deadlocked() noexcept nogil:
    ch = Channel[int]()
    ch.recv()                           # nobody will ever send

def test_deadlock_is_reported_not_hung():
    import pytest
    with pytest.raises(RuntimeError, match="deadlock"):
        with nogil:
            run(deadlocked)

# The deadlocked coroutine is abandoned, never resumed: the channel its frame holds stays
# alive (documented in docs/coroutines.md). Exactly that one object, no more.
test_deadlock_is_reported_not_hung.cyn_abandoned_objects = 1


# ---------------------------------------------------------------- a text argument
from cyn cimport lib

cdef long text_length = 0

cdef void measure(lib.string s, long extra, WaitGroup wg) noexcept nogil:
    global text_length
    text_length = len(s) + extra
    wg.done()

cdef void spawn_with_text() noexcept nogil:
    wg = WaitGroup()
    wg.add(1)
    spawn(measure, "abc", 10, wg)      # the literal becomes a lib.string, as in a direct call
    wg.wait()

def test_spawn_converts_a_text_literal_for_a_string_parameter():
    global text_length
    text_length = 0
    with nogil:
        run(spawn_with_text)
    assert text_length == 13
