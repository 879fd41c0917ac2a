// cyn/stdlib/coro.hpp — the C++ side of `from cyn.coro cimport ...` (stdlib/cyn/coro.pxd).
//
// Cython calls a templated extern function with its template argument spelled out:
// `spawn(worker, i, ch)` becomes `cyn::stdlib::spawn<void (int, Ref<Channel<int>>)>(worker, i, ch)`.
// These adaptors take that explicit function type (or a nogil object's Ref for `spawn(obj)`)
// and hand the call to the runtime's spawn()/run(), whose own deduction copies the arguments.
//
//   cyn::stdlib::spawn<void (int)>(&worker, 3);     // what the generated code looks like
#pragma once

#include <type_traits>
#include <utility>

#include "cyn/coro.hpp"

namespace cyn::stdlib {

template <class F>
inline constexpr bool is_function_v = std::is_function_v<std::remove_pointer_t<std::decay_t<F>>>;

template <class F, class... A>
inline void spawn(std::conditional_t<is_function_v<F>, std::decay_t<F>, const F&> f, A&&... args) {
  if constexpr (is_function_v<F>) {
    cyn::spawn(f, std::forward<A>(args)...);
  } else {
    static_assert(sizeof...(A) == 0, "spawn(obj) takes no arguments: it runs obj.run()");
    cyn::spawn(f);
  }
}

template <class F, class... A>
inline void run(std::decay_t<F> f, A&&... args) {
  static_assert(is_function_v<F>, "run() takes a nogil function and its arguments");
  cyn::run(f, std::forward<A>(args)...);
}

}  // namespace cyn::stdlib
