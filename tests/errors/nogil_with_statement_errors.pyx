# distutils: language = c++
from cyn.coro cimport Mutex

def gil_held():
    m = Mutex()
    with m:
        pass

_ERRORS = """
6:9: 'with' on a 'Mutex' where the GIL is held: its class has no Python wrapper; use it in nogil code (inside 'with nogil:')
"""
