# distutils: language = c++
"""Extern nogil classes cimported from a .pxd: construction, templates, refs to C++ functions."""
from nogil_cimport_extern_helper cimport Tally, Slot, read_tally

cdef long work() nogil:
    t = Tally(5)
    t.add(2)
    s = Slot[double]()
    s.set(1.5)
    cdef Slot[Tally] holder = Slot[Tally]()
    holder.set(t)
    return read_tally(holder.get()) + <long>(s.get() * 2) + read_tally(None)

def test_work():
    assert work() == 7 + 3 - 1

def test_cpp_exception_becomes_python():
    cdef Tally t = Tally()
    try:
        t.add(-1)
    except ValueError as e:
        assert "negative" in str(e)
    else:
        assert False
    assert t.get() == 0

def test_none_check_on_extern():
    cdef Tally t = None
    try:
        t.get()
    except AttributeError:
        pass
    else:
        assert False

cdef long length_of(Tally t) nogil:
    return len(t)

def test_len_maps_to_dunder_len():
    assert length_of(Tally(4)) == 4
