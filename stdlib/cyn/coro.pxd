# cyn.coro — coroutines, channels and synchronisation for nogil code (SPEC §3).
#
#     from cyn.coro cimport run, spawn, WaitGroup, Channel, Mutex, Select, yield_, sleep
#
# Stackful coroutines run M:N on one worker thread per core (CYN_THREADS) with work stealing,
# without the GIL. WaitGroup, Channel[T] and Mutex are nogil classes shared by reference.
# See docs/coroutines.md.

from libcpp cimport bool as cpp_bool

cdef extern from "cyn/stdlib/coro.hpp" namespace "cyn" nogil:
    cdef class WaitGroup nogil:
        void add(long n) except +        # RuntimeError if the counter would go negative
        void done() except +             # RuntimeError when called more often than add()
        void wait()
        long count()

    cdef class Channel[T] nogil:
        __init__()
        __init__(Py_ssize_t capacity) except +   # ValueError when negative
        void send(T value) except +      # RuntimeError once closed
        T recv()                         # the zero value once closed and drained
        bint recv_ok(T* out)             # False once closed and drained
        void close() except +            # RuntimeError when already closed
        size_t len()
        size_t __len__ "len"()
        size_t cap()
        bint closed()

    cdef class Mutex nogil:
        void lock()
        void unlock() except +           # RuntimeError when not locked
        bint try_lock()
        # `with m:` in nogil code locks, and unlocks on every way out of the block
        void __enter__ "lock"()
        void __exit__ "unlock"() except +

    void yield_()
    void sleep(double seconds)

cdef extern from "cyn/stdlib/coro.hpp" namespace "cyn::stdlib" nogil:
    # spawn(f, a, b, ...): f is a nogil function, up to 6 arguments (C values or nogil refs),
    # copied into the coroutine. spawn(obj) runs obj.run().
    void spawn[F](F f, ...) except +
    # run(f, ...) runs f as a coroutine and returns when it returns (starting the scheduler if
    # needed); RuntimeError when every coroutine is blocked forever (deadlock).
    void run[F](F f, ...) except +

    # Go's select. `sel = Select()` gives a fresh one (in a loop too: Go's for { select }).
    cdef cppclass Select:
        Select()
        int recv[C, T](C channel, T* out)
        int recv[C, T](C channel, T* out, cpp_bool* ok)
        int recv[C, T](C channel, T* out, bint* ok)     # ok: set when this case is chosen
        int send[C, T](C channel, T value)
        int wait() except +
        int poll() except +
