// A runtime-style nogil class written in C++, for tests/run/nogil_cimport_extern.pyx.
#pragma once
#include <stdexcept>
#include "cyn/object.hpp"

namespace demo {
struct Tally : cyn::Object {
  long total = 0;
  Tally() = default;
  explicit Tally(long start) : total(start) {}
  void add(long k) {
    if (k < 0) throw std::invalid_argument("negative");
    total += k;
  }
  long get() const { return total; }
  long __len__() const { return total; }
};
template <class T>
struct Slot : cyn::Object {
  T value{};
  void set(T v) { value = v; }
  T get() const { return value; }
};
inline long read_tally(cyn::Ref<Tally> t) { return t ? t->get() : -1; }
}  // namespace demo
