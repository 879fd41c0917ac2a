# Go's `for { select { ... } }` from Cython: `sel = Select()` re-creates the select on every
# iteration (the variable is declared once; assigning Select() drops the old cases), and
# `recv(ch, &v, &ok)` takes a bint `ok` as well as a libcpp bool.
from libcpp cimport bool as cpp_bool
from cyn.coro cimport run, spawn, WaitGroup, Channel, Select


cdef long hits[2]

cdef void fresh_select_each_iteration() noexcept nogil:
    cdef int a = 0, b = 0
    c1 = Channel[int](10)
    c2 = Channel[int](10)
    for i in range(10):
        c1.send(1)
        c2.send(2)
    for i in range(20):
        sel = Select()                  # a fresh select: only this iteration's two cases
        sel.recv(c1, &a)
        sel.recv(c2, &b)
        hits[sel.wait()] += 1

def test_fresh_select_in_a_loop():
    hits[0] = hits[1] = 0
    with nogil:
        run(fresh_select_each_iteration)
    assert (hits[0], hits[1]) == (10, 10)


cdef void produce(Channel[int] out, int first, int n) noexcept nogil:
    cdef int i
    for i in range(n):
        out.send(first + i)
    out.close()

cdef long merged[4]

cdef void merge_until_both_closed() noexcept nogil:
    # The usual Go merge: select over the channels still open; a closed one (ok False) is
    # left out of the next iteration's select, as Go sets it to nil.
    cdef int v = 0
    cdef bint ok = False
    cdef bint open1 = True, open2 = True
    cdef int c1_case, c2_case, chosen
    cdef long total = 0, count = 0, closes = 0
    c1 = Channel[int]()                 # unbuffered: each value is a rendezvous
    c2 = Channel[int](3)
    spawn(produce, c1, 0, 100)
    spawn(produce, c2, 1000, 100)
    while open1 or open2:
        sel = Select()
        c1_case = sel.recv(c1, &v, &ok) if open1 else -2
        c2_case = sel.recv(c2, &v, &ok) if open2 else -2
        chosen = sel.wait()
        if not ok:
            closes += 1
            if chosen == c1_case:
                open1 = False
            else:
                open2 = False
            continue
        total += v
        count += 1
    merged[0] = total
    merged[1] = count
    merged[2] = closes

def test_merge_loop_with_bint_ok():
    with nogil:
        run(merge_until_both_closed)
    assert [merged[i] for i in range(3)] == [sum(range(100)) + sum(range(1000, 1100)), 200, 2]


cdef long seen[10]

cdef void bint_and_bool_ok() noexcept nogil:
    cdef int a = 5
    cdef bint ok = False
    cdef cpp_bool ok2 = True
    ch = Channel[int](1)
    ch.send(7)
    cdef Select s
    s.recv(ch, &a, &ok)
    seen[0] = s.wait()
    seen[1] = a
    seen[2] = ok                        # a value received: True
    ch.close()
    ok = True
    s = Select()
    s.recv(ch, &a, &ok)
    seen[3] = s.wait()
    seen[4] = a                         # closed and drained: the zero value
    seen[5] = ok                        # and False
    s = Select()
    s.recv(ch, &a, &ok2)
    seen[6] = s.wait()
    seen[7] = ok2
    # ok is written only for the chosen case.
    other = Channel[int](1)
    other.send(3)
    ok = 17
    s = Select()
    s.recv(Channel[int](), &a, &ok)     # never ready
    s.recv(other, &a)
    seen[8] = s.wait()
    seen[9] = ok

def test_recv_ok_accepts_bint_and_bool():
    with nogil:
        run(bint_and_bool_ok)
    assert [seen[i] for i in range(10)] == [0, 7, 1, 0, 0, 0, 0, 0, 1, 17]


cdef long dropped[3]

cdef void reassign_drops_pending_cases() noexcept nogil:
    # Cases registered but never waited on are dropped by the assignment: nothing is sent.
    cdef int v = 0
    ch = Channel[int](5)
    sel = Select()
    sel.send(ch, 1)
    sel.send(ch, 2)
    sel = Select()
    sel.send(ch, 3)
    dropped[0] = sel.poll()
    dropped[1] = len(ch)
    ch.recv_ok(&v)
    dropped[2] = v

def test_reassignment_drops_unused_cases():
    with nogil:
        run(reassign_drops_pending_cases)
    assert [dropped[i] for i in range(3)] == [0, 1, 3]


cdef long polled[2]

cdef void poll_loop_with_default(Channel[int] ch, WaitGroup wg) noexcept nogil:
    # for { select { case v := <-ch: ...; default: ... } } until a value arrives.
    cdef int v = 0
    cdef long idle = 0
    while True:
        sel = Select()
        sel.recv(ch, &v)
        if sel.poll() == -1:
            idle += 1
            if idle == 50:
                ch.send(99)             # the buffered channel is ready from now on
            continue
        break
    polled[0] = idle
    polled[1] = v
    wg.done()

cdef void poll_main() noexcept nogil:
    wg = WaitGroup()
    wg.add(1)
    spawn(poll_loop_with_default, Channel[int](1), wg)
    wg.wait()

def test_poll_in_a_loop():
    with nogil:
        run(poll_main)
    assert [polled[i] for i in range(2)] == [50, 99]
