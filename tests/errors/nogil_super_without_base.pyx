# distutils: language = c++
cdef class Lone nogil:
    cdef long f(self):
        return super().f()

_ERRORS = """
4:20: super() in nogil class 'Lone': the class has no nogil base
"""
