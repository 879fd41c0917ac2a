# distutils: language = c++
# C++ features without any nogil class: cppclass, templates, STL, exceptions.
from libcpp.vector cimport vector
from libcpp.string cimport string
from libcpp.memory cimport shared_ptr, make_shared

cdef cppclass Accumulator:
    int total
    __init__():
        this.total = 0
    void add(int x):
        this.total += x

cdef class Holder:
    cdef vector[int] items
    cdef shared_ptr[Accumulator] acc

    def __cinit__(self):
        self.acc = make_shared[Accumulator]()

    def push(self, int x):
        self.items.push_back(x)
        self.acc.get().add(x)
        return self.acc.get().total

def join(list parts):
    cdef string out
    for p in parts:
        out += <string>p
    return out

cdef extern from "<stdexcept>":
    pass

def first(vector[int] v):
    return v.at(0)

cdef int checked(vector[int]& v, size_t i) except +:
    return v.at(i)
