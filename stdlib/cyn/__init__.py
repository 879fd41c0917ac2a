"""cyn: the cimport package of cython-nogil (`from cyn.coro cimport ...`, `from cyn.http cimport ...`).

Its .pxd files declare the runtime (libcyn) to Cython code; see docs/ in the project.
"""
