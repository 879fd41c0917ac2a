# distutils: language = c++
cdef class Pair[A, B] nogil:
    cdef public A first
    cdef public B second

    def __init__(self, A first, B second):
        self.first = first
        self.second = second

    cdef Pair[B, A] swapped(self):
        return Pair[B, A](self.second, self.first)


def swapped(long a, double b):
    p = Pair[long, double](a, b)
    return p.swapped()          # Pair[double, long]: never spelled out, so no wrapper

_ERRORS = """
16:20: Cannot convert 'Pair[double, long]' to Python object
"""
