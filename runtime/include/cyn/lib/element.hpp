// cyn/lib/element.hpp — how the containers treat their elements: hash, equality, order, repr.
//
// list, dict and set never use an element's operators directly; they call four functions,
// found by argument-dependent lookup so that each element type can bring its own:
//   hash_of(x)        the 64-bit hash (dict keys, set members)
//   equals(a, b)      `a == b` (contains, index, remove, count, keys)
//   less_than(a, b)   `a < b` (list.sort)
//   repr_of(x)        repr(x) as text, for KeyError / ValueError messages
// Defaults here: C scalars by value; `cyn::Ref<X>` by identity (Python's default for
// objects without __eq__/__hash__); other types through their own operator== / operator<.
// `Ref<cyn::lib::string>` compares and hashes by content (string.hpp). A struct used as a
// dict key declares `std::uint64_t hash_of(const MyStruct&)` next to it (or specialises
// cyn::lib::hash<MyStruct>).
//
//   cyn::lib::hash<long>{}(42);              // functors for std:: and user code
//   cyn::lib::equal_to<cyn::Ref<Foo>>{}(a, b);   // a is b
//
// Invariant: equals(a, b) implies hash_of(a) == hash_of(b) (e.g. -0.0 and 0.0 hash alike).
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

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
inline std::uint64_t hash_of(const Ref<X>& ref) noexcept {
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
