# distutils: language = c++
# Generic nogil classes compile (tests/run/nogil_generic_box.pyx); each instantiation is its
# own type, so one cannot stand for another.
cdef class Box[T] nogil:
    cdef T x

cdef void f() noexcept nogil:
    cdef Box[long] c = Box[double]()

_ERRORS = """
8:34: Cannot assign type 'Box[double]' to 'Box[long]'
"""
