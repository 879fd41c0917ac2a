# distutils: language = c++
g = 1

cdef class A nogil:
    cdef int x

    def __init__(self):
        print("hello")

    cdef int f(self):
        return g

    cdef void h(self):
        l = [1, 2]

    def __dealloc__(self):
        len("abc")

_ERRORS = """
14:8: Assignment of Python object not allowed without gil
8:13: Discarding owned Python object not allowed without gil
8:13: Calling gil-requiring function not allowed without gil
8:13: Constructing Python tuple not allowed without gil
11:15: Coercion from Python not allowed without the GIL
11:15: Accessing Python global or builtin not allowed without gil
13:4: Function declared nogil has Python locals or temporaries
14:12: Constructing Python list not allowed without gil; in nogil code it would be a cyn.lib container: add `from cyn cimport lib`
17:11: Calling gil-requiring function not allowed without gil
"""
