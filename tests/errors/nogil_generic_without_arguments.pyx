# distutils: language = c++
# A generic class constructed without its type arguments (it reached the C++ compiler as
# "'T' was not declared in this scope").
from cyn cimport lib
from cyn.coro cimport Channel

cdef class Box[T] nogil:
    cdef T value

    cdef Box[T] copy(self):
        return Box()          # inside its own methods, Box is the instantiation being defined

cdef void f() noexcept nogil:
    b = Box()
    xs = lib.list()
    ch = Channel(1)

_ERRORS = """
14:11: generic nogil class 'Box' needs its type arguments: Box[T](...) with a type for T
15:17: generic nogil class 'lib.list' needs its type arguments: lib.list[T](...) with a type for T
16:16: generic nogil class 'Channel' needs its type arguments: Channel[T](...) with a type for T
"""
