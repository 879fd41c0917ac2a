# distutils: language = c++
# A generic class's methods are templates compiled in the defining module only: using one from
# another module is refused where it is first instantiated (not a link error).
from nogil_generic_boxes_decl cimport Box

cdef long first() nogil:
    b = Box[long]()
    return b.get()

_ERRORS = """
7:11: generic nogil class 'Box' is defined in another module; generic classes cannot be used across modules yet
"""
