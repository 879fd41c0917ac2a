# distutils: language = c++
# What try/except cannot do without the GIL, each said at its clause (`as e` also makes e a
# Python local of the nogil function, which upstream reports first).
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

_ERRORS = """
10:0: Function declared nogil has Python locals or temporaries
13:4: 'except ... as e' needs the GIL (e would be a Python object); in nogil code write 'except IndexError:'
13:4: Deleting Python object not allowed without gil
19:11: nogil code can catch built-in exceptions only: 'AppError' needs the GIL to look up (catch it where the GIL is held)
25:13: nogil code can catch built-in exception classes named in the clause only (KeyError, (IndexError, ValueError), ...)
32:8: a bare 'raise' cannot re-raise in nogil code: a caught exception is gone (raise a new one, e.g. 'raise KeyError(key)')
"""
