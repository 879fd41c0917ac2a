// cyn/stdlib/special.hpp — runtime helpers of special methods: GIL-free StopIteration, identity hash,
// the TypeError of hash() on an unhashable object.
//
// `raise StopIteration` inside a nogil class's `__next__` must end a `for` loop without a
// Python exception (that would need the GIL on every loop's last step). The compiler turns
// it into raise_stop_iteration() plus a return of a zero item, and the loop's condition
// into take_next(it.__next__(), item):
//
//   while (cyn::stdlib::take_next(it->__next__(), item)) { x = item; ...body... }
//
// Invariant: the flag is set only between a __next__ returning and the take_next() of the
// same thread that called it, so a flag is never seen by another loop.
#pragma once

#include <cstdint>
#include <cstddef>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include "cyn/error.hpp"
#include "cyn/lib/element.hpp"
#include "cyn/lib/errors.hpp"
#include "cyn/lib/string.hpp"
#include "cyn/object.hpp"

namespace cyn::stdlib {

inline thread_local bool stop_iteration_pending = false;

// `raise StopIteration` in a nogil __next__.
inline void raise_stop_iteration() noexcept { stop_iteration_pending = true; }

// Stores the item a __next__ returned, or (after raise_stop_iteration) reports the end.
template <class V, class T>
inline bool take_next(V&& value, T& out) {
  if (stop_iteration_pending) [[unlikely]] {
    stop_iteration_pending = false;
    return false;
  }
  out = std::forward<V>(value);
  return true;
}

// hash(o) of a nogil object without __hash__: its identity, as Python's object.__hash__.
// The address itself, so it equals hash() of the object's Python wrapper (hash of an int
// below 2**61 - 1 is the int).
template <class T>
inline std::ptrdiff_t identity_hash(const Ref<T>& r) noexcept {
  return static_cast<std::ptrdiff_t>(reinterpret_cast<std::uintptr_t>(static_cast<const Object*>(r.get())));
}

// hash(o) of an object whose class defines __eq__ but not __hash__: Python's TypeError (objects
// equal by __eq__ must hash alike, which the identity cannot promise), as the wrapper and the
// containers answer.
template <class T>
[[noreturn]] std::ptrdiff_t unhashable(const Ref<T>&, const char* class_name) {
  throw TypeError(std::string("unhashable type: '") + class_name + "'");
}

// ---- comparisons of a generic class's `T` values ----------------------------------------
// `self.value == other.value` in `cdef class Box[T] nogil:` compiles once for every T, so the
// instantiation decides, as Python compares whatever a box holds: numbers as numbers, strings
// by content, objects through their class's __eq__ (else identity) and __lt__/__le__/__gt__/
// __ge__ (or the reflected method; else TypeError, None included). An exception raised by a
// special method stays pending for the caller, as any nogil method's does (the error hint).
//
//   cyn::stdlib::generic_compare<cyn::stdlib::compare_op::lt>(a, b)   // a < b, Python's way
enum class compare_op { eq, ne, lt, le, gt, ge };

namespace detail {
template <class A, class B>
concept defines_le = requires(A& a, const Ref<B>& b) { a.__le__(b); };
template <class A, class B>
concept defines_ge = requires(A& a, const Ref<B>& b) { a.__ge__(b); };
template <class T>
inline constexpr bool is_ref_v = false;
template <class X>
inline constexpr bool is_ref_v<Ref<X>> = true;

// a <= b (kLess false: a >= b) of two objects: the class's own method, else the reflected
// one of the other operand, else a total order the element protocol knows (strings), else
// TypeError as in Python.
template <bool kLess, class A, class B>
bool ordered_or_equal(const Ref<A>& a, const Ref<B>& b) {
  constexpr bool kOwn = kLess ? defines_le<A, B> : defines_ge<A, B>;
  constexpr bool kReflected = kLess ? defines_ge<B, A> : defines_le<B, A>;
  if constexpr (kOwn || kReflected) {
    if (a && b) {
      bool result;
      if constexpr (kOwn && kLess) {
        result = a->__le__(b) != 0;
      } else if constexpr (kOwn) {
        result = a->__ge__(b) != 0;
      } else if constexpr (kLess) {
        result = b->__ge__(a) != 0;
      } else {
        result = b->__le__(a) != 0;
      }
      lib::detail::throw_if_method_raised();
      return result;
    }
    lib::throw_unorderable(kLess ? "<=" : ">=", a, b);
  } else if constexpr (std::is_same_v<A, lib::string> && std::is_same_v<B, lib::string>) {
    return kLess ? !lib::less_than(b, a) : !lib::less_than(a, b);
  } else {
    lib::throw_unorderable(kLess ? "<=" : ">=", a, b);
  }
}

// In a catch block of a helper the generated code calls like a nogil method: the exception
// becomes the pending Python exception (a special method's is pending already; cyn::TypeError
// becomes TypeError) and the error hint is set.
inline void raise_current_exception() noexcept {
  try {
    throw;
  } catch (const PythonErrorPending&) {
  } catch (const std::exception& e) {
#ifdef Py_PYTHON_H
    PyGILState_STATE gil = PyGILState_Ensure();
    PyErr_SetString(dynamic_cast<const std::bad_cast*>(&e) ? PyExc_TypeError : PyExc_RuntimeError, e.what());
    PyGILState_Release(gil);
#endif
  } catch (...) {
#ifdef Py_PYTHON_H
    PyGILState_STATE gil = PyGILState_Ensure();
    PyErr_SetString(PyExc_RuntimeError, "unknown C++ exception");
    PyGILState_Release(gil);
#endif
  }
  cyn_set_error_hint();
}

template <compare_op Op, class A, class B>
bool compare(const A& a, const B& b) {
  if constexpr (is_ref_v<A> || is_ref_v<B>) {
    if constexpr (Op == compare_op::eq) return lib::equals(a, b);
    if constexpr (Op == compare_op::ne) return !lib::equals(a, b);
    if constexpr (Op == compare_op::lt) return lib::less_than(a, b);
    if constexpr (Op == compare_op::gt) return lib::less_than(b, a);
    if constexpr (Op == compare_op::le) return ordered_or_equal<true>(a, b);
    if constexpr (Op == compare_op::ge) return ordered_or_equal<false>(a, b);
  } else {
    if constexpr (Op == compare_op::eq) return a == b;
    if constexpr (Op == compare_op::ne) return a != b;
    if constexpr (Op == compare_op::lt) return a < b;
    if constexpr (Op == compare_op::gt) return a > b;
    if constexpr (Op == compare_op::le) return a <= b;
    if constexpr (Op == compare_op::ge) return a >= b;
  }
}
}  // namespace detail

// hash(self.value) in a generic class: what hash() gives for the instantiation's type in nogil
// code — an integer itself (-1 is -2, as in Python), a lib.string by content, an object by its
// __hash__, else its identity (None included), or TypeError for a class with __eq__ and no
// __hash__.
template <class T>
std::ptrdiff_t generic_hash(const T& value) noexcept {
  try {
    if constexpr (detail::is_ref_v<T>) {
      using X = typename T::element_type;
      if (!value) return identity_hash(value);
      if constexpr (std::is_same_v<X, lib::string>) {
        return static_cast<std::ptrdiff_t>(lib::hash_of(value) >> 1);
      } else if constexpr (lib::detail::defines_hash<X>) {
        auto h = static_cast<std::ptrdiff_t>(value->__hash__());
        lib::detail::throw_if_method_raised();
        return h == -1 ? -2 : h;
      } else if constexpr (lib::detail::defines_eq<X, X>) {
        lib::throw_unhashable<X>();
      } else {
        return identity_hash(value);
      }
    } else if constexpr (std::is_integral_v<T> || std::is_enum_v<T>) {
      auto h = static_cast<std::ptrdiff_t>(value);
      return h == -1 ? -2 : h;
    } else {
      return static_cast<std::ptrdiff_t>(lib::hash_of(value) >> 1);
    }
  } catch (...) {
    detail::raise_current_exception();
  }
  return -1;
}

template <compare_op Op, class A, class B>
bool generic_compare(const A& a, const B& b) noexcept {
  try {
    return detail::compare<Op>(a, b);
  } catch (...) {
    detail::raise_current_exception();
  }
  return false;
}

}  // namespace cyn::stdlib
