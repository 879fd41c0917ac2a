# distutils: language = c++
# Fields declared in the .pxd are checked like those of the .pyx: a Python object or a
# memoryview there compiled into a struct holding a bare PyObject* (a crash when read).
cdef class Holder nogil:
    cdef long total(self):
        return self.count

_ERRORS = """
nogil_pxd_python_field.pxd:2:23: Python object field 'payload' in nogil class 'Holder'
nogil_pxd_python_field.pxd:3:14: Python object field 'items' in nogil class 'Holder'
nogil_pxd_python_field.pxd:4:19: memoryview field 'samples' in nogil class 'Holder': a memoryview needs the GIL to count its buffer (hold a pointer and a length, or a lib.list)
"""
