# distutils: language = c++
# spawn()/run() run their function on a worker thread without the GIL: a function that needs
# the GIL is refused where it is passed (it compiled, then crashed).
from cyn.coro cimport run, spawn, WaitGroup

cdef void needs_gil(int a, WaitGroup wg):
    wg.done()

cdef void fine(int a, WaitGroup wg) noexcept nogil:
    wg.done()

cdef void main_() noexcept nogil:
    wg = WaitGroup()
    wg.add(2)
    spawn(needs_gil, 1, wg)
    spawn(fine, 2, wg)
    wg.wait()

def go():
    with nogil:
        run(needs_gil, 3, WaitGroup())
        run(main_)

_ERRORS = """
15:10: spawn() runs 'needs_gil' on a worker thread without the GIL: declare it nogil
21:12: run() runs 'needs_gil' on a worker thread without the GIL: declare it nogil
"""
