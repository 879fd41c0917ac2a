# distutils: language = c++
cdef extern from * namespace "demo" nogil:
    cdef class Counter nogil:
        __init__()
        @staticmethod
        Counter make(long k)
        long get()

cdef long f() nogil:
    c = Counter.make()
    d = Counter.make(1, 2)
    Counter.nope(1)
    return Counter.get()

_ERRORS = """
10:20: Call with wrong number of arguments (expected 1, got 0)
11:20: Call with wrong number of arguments (expected 1, got 2)
12:11: nogil class 'Counter' has no method 'nope'
13:22: calling 'Counter.get' needs the object as first argument
"""
