# distutils: language = c++
# Without the GIL, an attribute that is no C member of a nogil class is an error (where the GIL
# is held it goes through the Python wrapper: tests/run/nogil_wrapper_python_attributes.pyx).
cdef class Counter nogil:
    cdef public long n
    def describe(self):
        return "Counter(%d)" % self.n
    cdef long twice(self):
        return self.describe()

cdef long f(Counter c) nogil:
    return c.describe()

def g(Counter c):
    with nogil:
        c.describe()

_ERRORS = """
9:19: nogil class 'Counter' has no attribute 'describe'
12:12: nogil class 'Counter' has no attribute 'describe'
16:9: nogil class 'Counter' has no attribute 'describe'
"""
