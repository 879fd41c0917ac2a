# Extern nogil classes declared in a .pxd, exactly as the stdlib declares its runtime classes.
cdef extern from "nogil_demo_counter.hpp" namespace "demo" nogil:
    cdef class Tally nogil:
        __init__()
        __init__(long start)
        void add(long k) except +
        long get()
        long __len__()
    cdef class Slot[T] nogil:
        void set(T v)
        T get()
    long read_tally(Tally t)
