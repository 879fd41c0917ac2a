# distutils: language = c++
from cyn cimport lib

cdef class Bag nogil:
    cdef lib.list[long] items
    def __iter__(self) -> lib.list_iterator[long]:
        return self.items.__iter__()

cdef void f(lib.list[long] xs, Bag bag) nogil:
    for pair in enumerate(xs):
        pass
    for x in reversed(bag):
        pass

_ERRORS = """
10:8: unpack enumerate() of a nogil object into two names: for i, x in enumerate(...)
12:4: nogil class 'Bag' does not support reversed() (needs __len__ and __getitem__)
"""
