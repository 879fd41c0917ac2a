# distutils: language = c++
# What try/except cannot do without the GIL, each said once, at its clause.
from cyn cimport lib
import os

class AppError(Exception):
    pass

cdef long f(lib.list[long] xs) except? -1 nogil:
    try:
        return xs[0]
    except IndexError as e:
        return -1

cdef long g(lib.list[long] xs) except? -1 nogil:
    try:
        return xs[0]
    except AppError:
        return -1

cdef long h(lib.list[long] xs) except? -1 nogil:
    try:
        return xs[0]
    except os.error:
        return -1

cdef long k(lib.list[long] xs) except? -1 nogil:
    try:
        return xs[0]
    except IndexError:
        raise

def in_a_block(lib.list[long] xs):
    cdef long r = 0
    with nogil:
        try:
            r = xs[0]
        except IndexError as e:
            r = -1
    return r

_ERRORS = """
12:4: 'except ... as e' needs the GIL (e would be a Python object); in nogil code write 'except IndexError:'
18:11: nogil code can catch built-in exceptions only: 'AppError' needs the GIL to look up (catch it where the GIL is held)
24:13: nogil code can catch built-in exception classes named in the clause only (KeyError, (IndexError, ValueError), ...)
31:8: a bare 'raise' cannot re-raise in nogil code: a caught exception is gone (raise a new one, e.g. 'raise KeyError(key)')
38:8: 'except ... as e' needs the GIL (e would be a Python object); in nogil code write 'except IndexError:'
"""
