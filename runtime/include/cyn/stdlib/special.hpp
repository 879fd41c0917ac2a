// cyn/stdlib/special.hpp — runtime helpers of special methods: GIL-free StopIteration, identity hash.
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
#include <utility>

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

}  // namespace cyn::stdlib
