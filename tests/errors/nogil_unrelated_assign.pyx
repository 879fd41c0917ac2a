# distutils: language = c++
cdef class A nogil:
    pass

cdef class B nogil:
    pass

cdef class C(A) nogil:
    pass

cdef void f() nogil:
    cdef A a = C()
    cdef B b = A()
    cdef C c = a

_ERRORS = """
13:16: Cannot assign type 'A' to 'B'
14:15: Cannot assign type 'A' to 'C'
"""
