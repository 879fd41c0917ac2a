# distutils: language = c++
from cyn cimport lib

cdef class Shape nogil:
    cdef long sides

cdef lib.string f(long n, double d, lib.string s, const char* c, Shape shape) except * nogil:
    a = f"{n:.2d}"
    b = f"{s:+}"
    e = f"{d:x}"
    g = f"{n:{n}}"
    h = f"{s!a}"
    k = f"{c}"
    m = f"{shape}"
    return a


cdef class Named nogil:
    def __str__(self) -> lib.string:
        return lib.string(b"named")

cdef lib.string spec_on_object(Named o) except * nogil:
    return f"{o:>8}"

def with_the_gil(n):
    return f"{n:.2d}"      # Python's own error, when it runs

_ERRORS = """
8:10: invalid format spec '.2d' for an integer: Precision not allowed in integer format specifier
9:10: invalid format spec '+' for a string: Sign not allowed in string format specifier
10:10: invalid format spec 'x' for a float: Unknown format code 'x' for object of type 'float'
11:13: a format spec with replacement fields of its own ({x:{width}}) is not supported in nogil code
12:10: '!a' in an f-string in nogil code is not supported (use '!r')
13:11: a C string in an f-string in nogil code: make it a lib.string first (Python would show it as bytes)
14:11: nogil class 'Shape' has no __str__ or __repr__ returning lib.string: an f-string or str() in nogil code needs one
23:13: a format spec on a nogil object: Python's object.__format__ refuses it (TypeError); format its text instead: {str(o):>8}
"""
