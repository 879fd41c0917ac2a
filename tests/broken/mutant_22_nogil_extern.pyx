# distutils: language = c++
"""Extern nogil classes declared like cppclass members (the stdlib's coro/http style)."""
cdef extern from * namespace "demo" nogil:
    """
    #include "cyn/object.hpp"
    #include <vector>
    #include <stdexcept>
    namespace demo {
    struct Counter : cyn::Object {
      long n = 0;
      Counter() = default;
      explicit Counter(long start) : n(start) {}
      void add(long k) { n += k; }
      long get() const { return n; }
      void fail() { throw std::runtime_error("counter failed"); }
    };
    template <class T>
    struct Box : cyn::Object {
      std::vector<T> items;
      explicit Box(long reserve) { items.reserve(reserve); }
      void put(T x) { items.push_back(x); }
      T at(long i) { return items.at(i); }
      long __len__() const { return (long)items.size(); }
    };
    inline long read_counter(cyn::Ref<Counter> c) { return c ? c->get() : -1; }
    }
    """
    cdef class Counter nogil:
        __init__()
        __init__(long start)
        void add(long k)
        long get()
        void fail() except +

    cdef class Box[T] nogil:
        __init__(long reserve)
        void put(T x)
        T at(long i) except +
    long read_counter(Counter c)

cdef long use_counter() nogil:
    c = Counter(10)
    c.add(5)
    cdef Counter d = c
    d.add(1)
    return read_counter(c) + read_counter(None)

cdef long use_box() nogil:
    b = Box[int](4)
    b.put(3)
    b.put(4)
    return b.at(0) * 10 + b.at(1)

def test_counter():
    assert use_counter() == 16 - 1

def test_box():
    assert use_box() == 34

def test_cpp_exception():
    cdef Counter c = Counter()
    try:
  