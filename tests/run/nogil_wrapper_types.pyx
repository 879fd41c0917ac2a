# distutils: language = c++
"""Wrapper members whose types Cython spells differently from the user (SPEC §2 with §5):
`lib.string` / `lib.list[long]` arguments and results, C++ class arguments, nogil-class
arguments of a generic container type."""
from cyn cimport lib
from libcpp.vector cimport vector

cdef class Label nogil:
    cdef lib.string text
    cdef lib.list[long] marks
    cdef public int size

    def __init__(self, lib.string text, int size=3):
        self.text = text
        self.size = size
        self.marks = lib.list[long]()

    cpdef lib.string shout(self, lib.string suffix):
        return self.text.upper() + suffix

    cpdef lib.list[long] add_marks(self, lib.list[long] more):
        for m in more:
            self.marks.append(m)
        return self.marks

    cpdef long total(self, vector[long] values):
        cdef long t = 0
        for v in values:
            t += v
        return t + self.size

# Inside this module `Label` is the nogil class; Python code sees the wrapper type:
PyLabel = globals()["Label"]

def test_string_argument_of_the_python_constructor():
    lab = PyLabel(b"hello")
    assert lab.size == 3
    assert PyLabel(b"x", 5).size == 5

def test_string_argument_and_result_of_a_cpdef_method():
    assert PyLabel(b"hey").shout(b"!") == "HEY!"      # a lib.string reaches Python as str

def test_generic_container_argument_and_result():
    lab = PyLabel(b"a")
    marks = lab.add_marks([1, 2])
    assert list(marks) == [1, 2] and len(marks) == 2
    assert list(lab.add_marks([3])) == [1, 2, 3]

def test_cpp_class_argument():
    assert PyLabel(b"a", 1).total([1, 2, 3]) == 7

def test_wrong_argument_type_is_a_type_error():
    try:
        PyLabel(3)
    except TypeError:
        pass
    else:
        raise AssertionError("no TypeError")
