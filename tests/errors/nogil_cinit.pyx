# distutils: language = c++
cdef class A nogil:
    cdef public long x
    def __cinit__(self):
        self.x = 1

_ERRORS = """
4:4: nogil class 'A' cannot define __cinit__: its fields start zeroed (references None); initialise them in __init__
"""
