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

#include "cyn/channel.hpp"
#include "cyn/coro.hpp"
#include "cyn/mutex.hpp"
#include "cyn/select.hpp"
#include "cyn/sleep.hpp"
#include "cyn/waitgroup.hpp"

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

// The element type of a Channel<T> reached through a Ref (what Cython passes).
template <class ChannelRef>
using element_of = std::remove_cv_t<
    std::remove_pointer_t<decltype(std::declval<typename std::decay_t<ChannelRef>::element_type&>().recv())*>>;

// `cdef Select sel` in Cython: cases take the channel reference type as a template argument
// (Cython spells every template argument out), so they are forwarded here to cyn::Select.
//
//   cdef Select sel
//   a = sel.recv(ints, &v)      # case indices in order of registration
//   b = sel.send(words, w)
//   chosen = sel.wait()         # or sel.poll(): -1 when nothing is ready (the default case)
class Select : public cyn::Select {
 public:
  template <class C, class T>
  int recv(const C& channel, T* out) {
    return cyn::Select::recv(channel, out);
  }
  template <class C, class T>
  int recv(const C& channel, T* out, bool* ok) {
    return cyn::Select::recv(channel, out, ok);
  }
  template <class C, class T>
  int send(const C& channel, const T& value) {
    return cyn::Select::send(channel, static_cast<element_of<C>>(value));
  }
};

}  // namespace cyn::stdlib
