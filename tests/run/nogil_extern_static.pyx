# distutils: language = c++
"""Static methods of extern nogil classes (`@staticmethod` in a `cdef extern from` block):
`Counter.make(3)` and `Box[int].of(4)` call `demo::Counter::make(3)` /
`demo::Box<int>::of(4)`, with overloads, `except +` and counted references."""
cdef extern from * namespace "demo" nogil:
    """
    #include "cyn/object.hpp"
    #include <stdexcept>
    namespace demo {
    struct Counter : cyn::Object {
      long n = 0;
      Counter() = default;
      explicit Counter(long start) : n(start) {}
      long get() const { return n; }
      static cyn::Ref<Counter> make(long k) { return cyn::make<Counter>(k * 2); }
      static cyn::Ref<Counter> make(long a, long b) { return cyn::make<Counter>(a + b); }
      static cyn::Ref<Counter> nothing() { return nullptr; }
      static long twice(long k) {
        if (k < 0) throw std::invalid_argument("negative");
        return 2 * k;
      }
      static long count(cyn::Ref<Counter> c) { return c ? (long)c->refcount() : 0; }
    };
    template <class T>
    struct Box : cyn::Object {
      T v{};
      static cyn::Ref<Box<T>> of(T x) { auto b = cyn::make<Box<T>>(); b->v = x; return b; }
      T get() const { return v; }
    };
    }
    """
    cdef class Counter nogil:
        __init__()
        __init__(long start)
        long get()
        @staticmethod
        Counter make(long k)
        @staticmethod
        Counter make(long a, long b)
        @staticmethod
        Counter nothing()
        @staticmethod
        long twice(long k) except +
        @staticmethod
        long count(Counter c)

    cdef class Box[T] nogil:
        @staticmethod
        Box[T] of(T x)
        T get()


cdef long use_statics() except -1 nogil:
    c = Counter.make(3)                 # inferred: Counter
    d = Counter.make(4, 5)              # overload
    b = Box[int].of(7)                  # a static method of an instantiation
    bb = Box[Counter].of(c)             # holds a reference to c
    return c.get() * 1000 + d.get() * 100 + b.get() * 10 + (bb.get() is c)


def test_static_methods_in_nogil_code():
    assert use_statics() == 6971


cdef long static_none() except -2 nogil:
    c = Counter.nothing()
    if c is None:
        return -1
    return c.get()


def test_static_method_returning_none():
    assert static_none() == -1


cdef long refcounts() nogil:
    c = Counter(1)
    n1 = Counter.count(c)               # c, and the argument's copy
    b = Box[Counter].of(c)
    n2 = Counter.count(c)               # one more: the box's field
    return n1 * 10 + n2


def test_references_passed_to_static_methods_are_counted():
    assert refcounts() == 23


cdef long twice_or_raise(long k) except? -1 nogil:
    return Counter.twice(k)


def test_cpp_exception_from_a_static_method():
    assert twice_or_raise(21) == 42
    try:
        twice_or_raise(-1)
    except ValueError as e:
        assert str(e) == "negative"
    else:
        assert False, "no ValueError"


def test_static_methods_from_python_code():
    c = Counter.make(10)
    assert c.get() == 20 and Counter.twice(2) == 4
    assert Box[double].of(0.5).get() == 0.5


# ---- the standard library's static methods ----------------------------------------------
from cyn cimport lib


cdef lib.string numbers() nogil:
    sep = lib.string(b" ")
    return lib.string.from_long(-42) + sep + lib.string.from_ulong(18446744073709551615ULL) \
        + sep + lib.string.from_double(0.1) + sep + lib.string.from_double(1e16)


def test_lib_string_from_numbers():
    assert numbers() == "-42 18446744073709551615 0.1 1e+16"
