# distutils: language = c++
"""`with obj:` in nogil code on a nogil object with __enter__/__exit__ (docs/nogil-classes.md):
__exit__ runs on every way out of the block (end, return, break, continue, raise), after a
return value is computed, as in Python; the coroutine Mutex is such a manager."""
from cyn.coro cimport run, spawn, WaitGroup, Mutex, yield_

cdef long counter = 0


cdef class Guard nogil:
    cdef long depth, enters, exits

    def __enter__(self) -> Guard:
        self.enters += 1
        self.depth += 1
        return self

    def __exit__(self):
        self.exits += 1
        self.depth -= 1


cdef long every_way_out(Guard g) except? -1 nogil:
    cdef long seen = 0
    for i in range(6):
        with g as inner:
            if i == 1:
                continue
            if i == 4:
                break
            seen += inner.depth
    with g:
        return seen * 100 + g.depth         # computed inside: depth is still 1


def test_exit_runs_on_every_way_out():
    g = Guard()
    assert every_way_out(g) == 3 * 100 + 1
    assert (g.enters, g.exits, g.depth) == (6, 6, 0)


cdef long raising(Guard g) except? -1 nogil:
    with g:
        raise ValueError("inside")
    return 0


def test_exit_runs_when_the_block_raises():
    g = Guard()
    try:
        raising(g)
    except ValueError as e:
        assert str(e) == "inside"
    else:
        assert False, "the exception was lost"
    assert (g.enters, g.exits, g.depth) == (1, 1, 0)


cdef long nested(Guard a, Guard b) except? -1 nogil:
    with a, b:
        return a.depth * 10 + b.depth


def test_several_managers():
    a, b = Guard(), Guard()
    assert nested(a, b) == 11
    assert a.depth == b.depth == 0


cdef void add_many(Mutex m, WaitGroup wg) noexcept nogil:
    global counter
    cdef long seen
    for i in range(500):
        with m:
            seen = counter
            yield_()                        # another coroutine runs: the lock must hold
            counter = seen + 1
    wg.done()


cdef void contend() noexcept nogil:
    m = Mutex()
    wg = WaitGroup()
    wg.add(8)
    for i in range(8):
        spawn(add_many, m, wg)
    wg.wait()


def test_mutex_as_a_context_manager():
    global counter
    counter = 0
    with nogil:
        run(contend)
    assert counter == 8 * 500


cdef class Quiet nogil:
    cdef long n

    def __enter__(self) -> None:        # Python's annotation for "returns nothing"
        self.n += 1

    def __exit__(self) -> None:
        self.n -= 1


def test_with_where_the_gil_is_held_goes_through_the_wrapper():
    g = Guard()
    with g as same:                      # a typed reference: its wrapper's __enter__/__exit__
        assert isinstance(same, Guard) and g.depth == 1
    assert (g.enters, g.exits, g.depth) == (1, 1, 0)
    q = Quiet()
    with q as nothing:
        assert nothing is None and q.n == 1
    assert q.n == 0
    try:
        with g:
            raise KeyError("k")
    except KeyError:
        pass
    assert g.exits == 2 and g.depth == 0
