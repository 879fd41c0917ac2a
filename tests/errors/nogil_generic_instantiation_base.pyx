# distutils: language = c++
# A class cannot derive from an instantiation of a generic class; the error says so where
# the base is written (it was a bare "Syntax error in C class definition").
from cyn cimport lib

cdef class Pair[T] nogil:
    cdef T first

cdef class Named(Pair[long]) nogil:
    cdef long tag

cdef class Words(lib.list[lib.string]) nogil:
    pass

_ERRORS = """
9:17: nogil class 'Named' cannot derive from 'Pair[long]': a class may derive from a non-generic nogil class only (hold a Pair[long] in a field instead)
12:17: nogil class 'Words' cannot derive from 'lib.list[lib.string]': a class may derive from a non-generic nogil class only (hold a lib.list[lib.string] in a field instead)
"""
