# distutils: language = c++
cdef class A nogil:
    cdef int x
    def __init__(self):
        self.y = 1
        self.f()
cdef int g(A a) nogil:
    return a.z

_ERRORS = """
5:12: nogil class 'A' has no attribute 'y'
6:12: nogil class 'A' has no attribute 'f'
8:12: nogil class 'A' has no attribute 'z'
"""
