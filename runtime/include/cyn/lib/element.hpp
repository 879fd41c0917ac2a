// cyn/lib/element.hpp — how the containers treat their elements: hash, equality, order, repr.
//
// list, dict and set never use an element's operators directly; they call four functions,
// found by argument-dependent lookup so that each element type can bring its own:
//   hash_of(x)        the 64-bit hash (dict keys, set members)
//   equals(a, b)      `a == b` (contains, index, remove, count, keys)
//   less_than(a, b)   `a < b` (list.sort)
//   repr_of(x)        repr(x) as text, for KeyError / ValueError messages
// Defaults here: C scalars by value; other types through their own operator== / operator<;
// `cyn::Ref<X>` of a nogil class as Python treats objects: by the class's own __eq__,
// __hash__, __lt__ (or its reflection __gt__) and __repr__ when it defines them (C++ members
// of those names), else by identity — with Python's errors: a class that defines __eq__ but
// not __hash__ is unhashable, and objects without an order cannot be sorted (TypeError).
// `Ref<cyn::lib::string>` compares and hashes by content (string.hpp). A struct used as a
// dict key declares `std::uint64_t hash_of(const MyStruct&)` next to it (or specialises
// cyn::lib::hash<MyStruct>).
//
//   cyn::lib::hash<long>{}(42);              // functors for std:: and user code
//   cyn::lib::equal_to<cyn::Ref<Foo>>{}(a, b);   // a is b
//
// Invariant: equals(a, b) implies hash_of(a) == hash_of(b) (e.g. -0.0 and 0.0 hash alike).
#pragma once

#include <cxxabi.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>

#include "cyn/error.hpp"
#include "cyn/lib/errors.hpp"
#include "cyn/lib/format.hpp"
#include "cyn/object.hpp"

namespace cyn::lib {

// Spreads the entropy of a 64-bit word over all its bits (a xorshift-multiply finaliser).
inline constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
  x ^= x >> 31;
  x *= 0xd6e8feb86659fd93ull;
  x ^= x >> 29;
  x *= 0xcfbd85a1fa9b6f35ull;
  x ^= x >> 32;
  return x;
}

// Hash of a byte string: 8-byte words folded in with a multiply and a rotate, then the
// finaliser. Short inputs are read with a few overlapping loads, never a byte loop or a
// memcpy call. Fast, not flooding-resistant (no secret seed): see docs/stdlib.md.
inline std::uint64_t hash_bytes(const char* data, std::size_t size) noexcept {
  auto load64 = [](const char* p) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
  };
  auto load32 = [](const char* p) {
    std::uint32_t w;
    std::memcpy(&w, p, 4);
    return static_cast<std::uint64_t>(w);
  };
  auto fold = [](std::uint64_t h, std::uint64_t w) {
    h = (h ^ w) * 0xa0761d6478bd642full;
    return (h << 29) | (h >> 35);
  };
  std::uint64_t h = 0x243f6a8885a308d3ull ^ (size * 0x9e3779b97f4a7c15ull);
  if (size >= 8) {
    std::size_t i = 0;
    for (; i + 8 < size; i += 8) h = fold(h, load64(data + i));
    h = fold(h, load64(data + size - 8));  // the last word, overlapping the one before
  } else if (size >= 4) {
    h = fold(h, load32(data) | (load32(data + size - 4) << 32));
  } else if (size > 0) {
    std::uint64_t w = static_cast<unsigned char>(data[0]) |
                      (static_cast<std::uint64_t>(static_cast<unsigned char>(data[size / 2])) << 8) |
                      (static_cast<std::uint64_t>(static_cast<unsigned char>(data[size - 1])) << 16);
    h = fold(h, w);
  }
  return mix64(h);
}

// ---- special methods of nogil classes ------------------------------------------------
namespace detail {

template <class A, class B>
concept defines_eq = requires(A& a, const Ref<B>& b) { a.__eq__(b); };
template <class A>
concept defines_hash = requires(A& a) { a.__hash__(); };
template <class A, class B>
concept defines_lt = requires(A& a, const Ref<B>& b) { a.__lt__(b); };
template <class A, class B>
concept defines_gt = requires(A& a, const Ref<B>& b) { a.__gt__(b); };
template <class A>
concept defines_repr = requires(A& a) { a.__repr__()->view(); };

// After a special method returned: when it raised (the thread's error hint is set and a
// Python exception is really pending: confirmed under the GIL), the container operation
// stops with PythonErrorPending and the exception reaches the caller as it is.
inline void throw_if_method_raised() {
  if (cyn_error_hint()) [[unlikely]] {
    if (void* exception = cyn_capture_error()) {
      cyn_restore_error(exception);
      throw PythonErrorPending();
    }
  }
}

// The class's name as Python shows it in a TypeError ('Item', not its C++ namespace). The
// lib containers name the Python type they stand for (`python_type_name`: 'list', 'str').
template <class X>
std::string class_name() {
  if constexpr (requires { X::python_type_name; }) return X::python_type_name;
  int status = 0;
  char* full = abi::__cxa_demangle(typeid(X).name(), nullptr, nullptr, &status);
  std::string name = status == 0 && full ? full : typeid(X).name();
  std::free(full);
  std::size_t cut = name.rfind("::", name.find('<'));  // the last scope before template arguments
  return cut == std::string::npos ? name : name.substr(cut + 2);
}
template <class X>
std::string class_name_of(const Ref<X>& ref) {
  return ref ? class_name<X>() : "NoneType";
}

}  // namespace detail

// TypeError for `a < b` (op "<", "<=", …) when the two have no order, None included:
// "'<' not supported between instances of 'str' and 'NoneType'", as Python words it.
template <class A, class B>
[[noreturn, gnu::cold, gnu::noinline]] void throw_unorderable(const char* op, const Ref<A>& a, const Ref<B>& b) {
  throw TypeError(std::string("'") + op + "' not supported between instances of '" + detail::class_name_of(a) +
                  "' and '" + detail::class_name_of(b) + "'");
}
// TypeError for hashing an object Python would not hash (a class with __eq__ but no
// __hash__, a list, dict or set): "unhashable type: 'list'".
template <class X>
[[noreturn, gnu::cold, gnu::noinline]] void throw_unhashable() {
  throw TypeError("unhashable type: '" + detail::class_name<X>() + "'");
}

// ---- hash_of -------------------------------------------------------------------------
template <class T, std::enable_if_t<std::is_integral_v<T> || std::is_enum_v<T>, int> = 0>
inline std::uint64_t hash_of(T value) noexcept {
  // Like Python, an integer is its own hash; the table mixes before picking a slot.
  return static_cast<std::uint64_t>(value);
}
template <class T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
inline std::uint64_t hash_of(T value) noexcept {
  double d = static_cast<double>(value);
  if (d == 0.0) d = 0.0;  // -0.0 == 0.0, so they must hash alike
  std::uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return mix64(bits);
}
// Text hashes by content (never 0: lib::string caches it with 0 meaning "not yet").
inline std::uint64_t hash_of(std::string_view text) noexcept {
  std::uint64_t h = hash_bytes(text.data(), text.size());
  return h == 0 ? 1 : h;
}
template <class X>
inline std::uint64_t hash_of(const Ref<X>& ref) {
  if constexpr (detail::defines_hash<X>) {
    if (ref) {
      auto h = ref->__hash__();
      detail::throw_if_method_raised();
      return static_cast<std::uint64_t>(h);
    }
  } else if constexpr (detail::defines_eq<X, X>) {
    // Python: a class that defines __eq__ without __hash__ has no hash (objects equal by
    // __eq__ must hash alike, which the identity cannot promise).
    if (ref) throw_unhashable<X>();
  }
  // Identity, as Python's object.__hash__: the address (low bits are alignment zeros).
  return mix64(reinterpret_cast<std::uintptr_t>(static_cast<const Object*>(ref.get())));
}
template <class T>
inline std::uint64_t hash_of(T* pointer) noexcept {
  return mix64(reinterpret_cast<std::uintptr_t>(pointer));
}

// ---- equals / less_than --------------------------------------------------------------
template <class A, class B>
inline bool equals(const A& a, const B& b) {
  return a == b;  // Ref == Ref is identity (`is`), the Python default for objects
}
template <class A, class B>
inline bool less_than(const A& a, const B& b) {
  return a < b;
}
// Objects: identity first (`x in xs` and dict keys, as CPython's containers), then __eq__.
template <class A, class B>
inline bool equals(const Ref<A>& a, const Ref<B>& b) {
  if (static_cast<const Object*>(a.get()) == static_cast<const Object*>(b.get())) return true;
  if constexpr (detail::defines_eq<A, B>) {
    if (!a || !b) return false;
    bool equal = a->__eq__(b) != 0;
    detail::throw_if_method_raised();
    return equal;
  } else if constexpr (detail::defines_eq<B, A>) {
    if (!a || !b) return false;
    bool equal = b->__eq__(a) != 0;  // the reflected comparison, as Python tries it
    detail::throw_if_method_raised();
    return equal;
  } else {
    return false;
  }
}
// Objects: __lt__, else the reflected __gt__, else TypeError as in Python (None included).
template <class A, class B>
inline bool less_than(const Ref<A>& a, const Ref<B>& b) {
  if constexpr (detail::defines_lt<A, B> || detail::defines_gt<B, A>) {
    if (a && b) {
      bool less;
      if constexpr (detail::defines_lt<A, B>) {
        less = a->__lt__(b) != 0;
      } else {
        less = b->__gt__(a) != 0;
      }
      detail::throw_if_method_raised();
      return less;
    }
  }
  throw_unorderable("<", a, b);
}

// ---- repr_of -------------------------------------------------------------------------
template <class T>
inline std::string repr_of(const T& value) {
  char buf[kNumberBufferSize];
  if constexpr (std::is_same_v<T, bool>) {
    return value ? "True" : "False";
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    return std::string(buf, format_long(value, buf));
  } else if constexpr (std::is_integral_v<T>) {
    return std::string(buf, format_ulong(value, buf));
  } else if constexpr (std::is_enum_v<T>) {
    return repr_of(static_cast<std::underlying_type_t<T>>(value));
  } else if constexpr (std::is_floating_point_v<T>) {
    return std::string(buf, format_double(static_cast<double>(value), buf));
  } else {
    return "<value>";
  }
}
template <class X>
inline std::string repr_of(const Ref<X>& ref) {
  if (!ref) return "None";
  if constexpr (detail::defines_repr<X>) {
    auto text = ref->__repr__();
    detail::throw_if_method_raised();
    if (text) return std::string(text->view());
  }
  char buf[48];
  std::snprintf(buf, sizeof buf, "<object at %p>", static_cast<const void*>(ref.get()));
  return buf;
}

// KeyError(repr(key)), built out of line: lookups keep only a test and a call on their
// hot path.
template <class K>
[[noreturn, gnu::cold, gnu::noinline]] void throw_key_error(const K& key) {
  throw KeyError(repr_of(key));
}

// ---- functors (for std:: containers and explicit specialisation) -------------------
template <class T>
struct hash {
  std::uint64_t operator()(const T& value) const { return hash_of(value); }
};
template <class T>
struct equal_to {
  bool operator()(const T& a, const T& b) const { return equals(a, b); }
};
template <class T>
struct less {
  bool operator()(const T& a, const T& b) const { return less_than(a, b); }
};

}  // namespace cyn::lib
