# distutils: language = c++
# spawn()/run() arguments are checked against the function (they reached the C++ compiler as
# pages of std::tuple errors).
from cyn.coro cimport run, spawn, Channel

cdef class Job nogil:
    cdef int x

cdef class Other nogil:
    cdef int y

cdef void w(int a, Job j) noexcept nogil:
    pass

cdef void seven(int a, int b, int c, int d, int e, int f, int g) noexcept nogil:
    pass

cdef void main_() noexcept nogil:
    spawn(w, 1)
    spawn(w, b"text", Job())
    spawn(w, 1, Other())
    spawn(seven, 1, 2, 3, 4, 5, 6, 7)
    spawn(Job())
    spawn(5)
    run(w)
    spawn(w, 1, None)           # None is a Job: fine

_ERRORS = """
19:13: spawn() passes 1 argument to 'w', which takes 2
20:13: spawn() argument for parameter 'a' of 'w' must be 'int'
21:21: spawn() argument for parameter 'j' of 'w' must be 'Job'
22:35: spawn() passes at most 6 arguments to a coroutine (group more in a nogil object)
23:13: spawn(obj) runs obj.run(): nogil class 'Job' needs a method 'cdef void run(self)' (a 'def' method belongs to the Python wrapper)
24:10: spawn() takes a nogil function (and its arguments) or an object with a run() method, not 'long'
25:7: run() passes 0 arguments to 'w', which takes 2
"""
