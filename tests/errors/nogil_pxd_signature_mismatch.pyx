# distutils: language = c++
# A method defined with another signature than its .pxd declaration (it compiled, and the
# module failed to import: the declared method was never defined).
cdef class Meter nogil:
    cdef double scaled(self, long k):
        return self.value * k

    cdef long rounded(self):
        return <long>self.value

_ERRORS = """
5:4: method 'scaled' of nogil class 'Meter' does not match its declaration in the .pxd file (double (double))
"""
