# distutils: language = c++
from nogil_cross_module_lib cimport Shared

cdef int use(Shared s) nogil:
    return s.get()

_ERRORS = """
2:36: nogil class 'Shared' is defined in another extension module; using it from this module is not supported yet
"""
