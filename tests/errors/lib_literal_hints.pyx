# distutils: language = c++
from cyn cimport lib

cdef class Shape nogil:
    pass

cdef class Other nogil:
    pass

cdef long f() except? -1 nogil:
    d = {}
    xs = [Shape(), Other()]
    return 0

_ERRORS = """
11:4: Assignment of Python object not allowed without gil
12:4: Assignment of Python object not allowed without gil
10:0: Function declared nogil has Python locals or temporaries
11:8: Constructing Python dict not allowed without gil; the item type of an empty one cannot be told: declare the variable (cdef lib.dict[lib.string, long] d = {})
12:9: Constructing Python list not allowed without gil; its items fit no one lib container type: declare the variable (cdef lib.list[long] xs = [])
12:15: Converting to Python object not allowed without gil
12:24: Converting to Python object not allowed without gil
"""
