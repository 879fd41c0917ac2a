// cyn/stdlib/generic_arith.hpp — `a + b`, `a - b`, `a * b` (and `+=`, `-=`, `*=`) on values of
// a generic nogil class's type parameter, resolved per instantiation (generics.py writes the
// calls): numbers use C's operator, an object its class's __add__, else the other operand's
// __radd__, a lib container or string its own operation (list/string `+` and `*`, list `+=`
// extending in place as Python's does), else TypeError at run time, as Python decides per
// value (the lib's C++ exceptions become Python's, as for its methods). A class's methods are
// virtual, so every instantiation compiles all of them, used or not: a missing method cannot be
// a compile error.
//
//   // in `cdef class Pair[T] nogil`, `acc = acc + x`:
//   acc = cyn::stdlib::generic_arith::add<T>(acc, x);
//
// Included after Python.h (the TypeError is raised through cython.hpp).
#pragma once

#include <type_traits>

#include "cyn/cython.hpp"
#include "cyn/object.hpp"
#include "cyn/stdlib/lib.hpp"

namespace cyn::stdlib::generic_arith {
template <class T> inline constexpr bool is_ref_v = false;
template <class X> inline constexpr bool is_ref_v<cyn::Ref<X>> = true;
template <class T> inline bool is_none(const T& x) {
  if constexpr (is_ref_v<T>) return !x; else return false;
}
template <class R>
inline R unsupported(bool none_operand, const char* message, const char* none_message) {
  cyn::cy::raise_none_operand(none_operand ? none_message : message);
  return R();
}
// A lib container's or string's own operation (members named as the C++ classes name them),
// its C++ exceptions raised as Python's; R() with the error set when it throws.
template <class R, class F>
inline R lib_operation(F&& operation) {
  try {
    return operation();
  } catch (...) {
    cyn::stdlib::raise_lib_error_without_gil();
    return R();
  }
}
#define CYN_GENERIC_BINOP(NAME, OP, METHOD, REFLECTED, LIB_METHOD)                            \
template <class R, class A, class B>                                                          \
static inline R NAME(const A& a, const B& b) {                                                \
  if constexpr (is_ref_v<A> && requires { a->METHOD(b); }) {                                  \
    if (a) return a->METHOD(b);                                                               \
  } else if constexpr (is_ref_v<A> && requires { a->LIB_METHOD(b); }) {                       \
    if (a) return lib_operation<R>([&] { return R(a->LIB_METHOD(b)); });                      \
  } else if constexpr (is_ref_v<B> && requires { b->REFLECTED(a); }) {                        \
    if (b) return b->REFLECTED(a);                                                            \
  } else if constexpr (!is_ref_v<A> && !is_ref_v<B>) {                                        \
    return static_cast<R>(a OP b);                                                            \
  }                                                                                           \
  return unsupported<R>(is_none(a) || is_none(b), "unsupported operand type(s) for " #OP,    \
                        "unsupported operand type(s) for " #OP ": 'NoneType'");               \
}
CYN_GENERIC_BINOP(add, +, __add__, __radd__, add)
CYN_GENERIC_BINOP(sub, -, __sub__, __rsub__, __no_lib_subtraction__)
CYN_GENERIC_BINOP(mul, *, __mul__, __rmul__, repeat)
#undef CYN_GENERIC_BINOP
// a op= b: an object's __iop__ first (its result assigned back, or a itself when it returns
// nothing), else a op b, as Python does
#define CYN_GENERIC_INPLACE(NAME, BINARY, OP, METHOD, LIB_METHOD)                            \
template <class R, class A, class B>                                                          \
static inline R NAME(const A& a, const B& b) {                                                \
  if constexpr (is_ref_v<A> && !requires { a->METHOD(b); } && requires { a->LIB_METHOD(b); }) { \
    if (!a) {                                                                                 \
      cyn::cy::raise_none_operand("unsupported operand type(s) for " #OP ": 'NoneType'");     \
      return R();                                                                             \
    }                                                                                         \
    return lib_operation<R>([&] { a->LIB_METHOD(b); return R(a); });                          \
  } else if constexpr (is_ref_v<A> && requires { a->METHOD(b); }) {                           \
    if (!a) {                                                                                 \
      cyn::cy::raise_none_operand("unsupported operand type(s) for " #OP ": 'NoneType'");     \
      return R();                                                                             \
    }                                                                                         \
    if constexpr (std::is_void_v<decltype(a->METHOD(b))>) {                                   \
      a->METHOD(b);                                                                           \
      return a;                                                                               \
    } else {                                                                                  \
      return a->METHOD(b);                                                                    \
    }                                                                                         \
  } else {                                                                                    \
    return BINARY<R>(a, b);                                                                   \
  }                                                                                           \
}
CYN_GENERIC_INPLACE(iadd, add, +=, __iadd__, extend)
CYN_GENERIC_INPLACE(isub, sub, -=, __isub__, __no_lib_subtraction__)
CYN_GENERIC_INPLACE(imul, mul, *=, __imul__, repeat_in_place)
#undef CYN_GENERIC_INPLACE
}  // namespace cyn::stdlib::generic_arith
