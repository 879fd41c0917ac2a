# distutils: language = c++
"""Members named like C/C++ keywords (a Python name may be any of them) compile, in nogil code
and on the wrapper; the C++ side names them differently (`__pyx_default`)."""


cdef class Options nogil:
    cdef public int default
    cdef public long new
    cdef int requires

    def __init__(self, int default=1):
        self.default = default
        self.new = 2
        self.requires = 3

    cpdef int delete(self):
        return self.default + self.new + self.requires

    cdef int register(self):
        return 10 * self.delete()


cdef class MoreOptions(Options) nogil:
    cdef int register(self):                # overriding a keyword-named method
        return Options.register(self) + 1


cdef int total(Options o) noexcept nogil:
    return o.register()


def test_keyword_named_fields_and_methods():
    assert total(Options()) == 60
    assert total(MoreOptions(4)) == 91


def test_keyword_named_members_from_python():
    cdef object o = Options(5)
    assert (o.default, o.new) == (5, 2)
    o.new = 7
    assert o.delete() == 5 + 7 + 3
