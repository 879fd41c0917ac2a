# distutils: language = c++
# Arithmetic on values of a generic class's type parameter: '+', '-' and '*' work (each
# instantiation resolves them, see tests/run/nogil_generic_arithmetic.pyx); the others, where C's and
# Python's integer semantics part, are refused by name (an inferred variable crashed the
# compiler, an explicit one got "Invalid operand types").
cdef class Pair[T] nogil:
    cdef T a, b
    def __init__(self, T a, T b):
        self.a = a
        self.b = b
    cdef T ratio(self):
        return self.a / self.b
    cdef T mod(self):
        acc = self.a
        acc = acc % self.b
        return acc
    cdef T mixed(self, char* s):
        return self.a + s

_ERRORS = """
12:22: operator '/' between 'T' and 'T' in a generic class: only '+', '-' and '*' of type parameter values (with each other or with C numbers) are supported
15:18: operator '%' between 'T' and 'T' in a generic class: only '+', '-' and '*' of type parameter values (with each other or with C numbers) are supported
18:22: operator '+' between 'T' and 'char *' in a generic class: only '+', '-' and '*' of type parameter values (with each other or with C numbers) are supported
"""
