// cyn/stdlib/coro.hpp — the C++ side of `from cyn.coro cimport ...` (stdlib/cyn/coro.pxd).
//
// Cython calls a templated extern function with its template argument spelled out:
// `spawn(worker, i, ch)` becomes `cyn::stdlib::spawn<void (int, Ref<Channel<int>>)>(worker, i, ch)`.
// These adaptors take that explicit function type (or a nogil object's Ref for `spawn(obj)`)
// and hand the call to the runtime's spawn()/run(), whose own deduction copies the arguments.
//
//   cyn::stdlib::spawn<void (int)>(&worker, 3);     // what the generated code looks like
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

#include "cyn/alloc.hpp"
#include "cyn/channel.hpp"
#include "cyn/coro.hpp"
#include "cyn/error.hpp"
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
#ifdef Py_PYTHON_H
    // spawn(None): Python would fail on None.run() with AttributeError, so raise that one
    // (Cython's `except +` lets a pending Python exception through).
    if (!f) {
      PyGILState_STATE gil = PyGILState_Ensure();
      PyErr_SetString(PyExc_AttributeError, "'NoneType' object has no attribute 'run'");
      PyGILState_Release(gil);
      throw cyn::PythonErrorPending();
    }
#endif
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

// `Select` in Cython: cases take the channel reference type as a template argument (Cython
// spells every template argument out), so they are forwarded here to a cyn::Select.
//
//   cdef Select sel
//   a = sel.recv(ints, &v)      # case indices in order of registration
//   b = sel.send(words, w)
//   chosen = sel.wait()         # or sel.poll(): -1 when nothing is ready (the default case)
//
//   for ...:                    # Go's `for { select { ... } }`: a fresh Select per iteration
//       sel = Select()
//       sel.recv(ints, &v, &ok) # ok: a bint or a libcpp bool
//       ...
//
// Cython declares the variable once at the top of the function and assigns `Select()` to it,
// so this class is move-assignable (cyn::Select, a stack object with the cases inline, is
// not): the cyn::Select lives on the runtime heap, made on the first case (or wait()/poll()),
// and assignment drops the old one (with the values its send cases copied) and takes the
// other's. A Select is only ever touched by the coroutine that registers and waits on it: a
// wait() is over before the next statement can assign to the variable.
//
// `recv(ch, &v, &ok)` with an `int*` (Cython's bint) writes *ok from a bool of ours once the
// case has been chosen; like the bool* form, *ok is set only when that case completes.
class Select {
 public:
  Select() noexcept = default;
  Select(const Select&) = delete;
  Select& operator=(const Select&) = delete;
  Select(Select&& other) noexcept : impl_(std::exchange(other.impl_, nullptr)) {}
  Select& operator=(Select&& other) noexcept {
    if (this != &other) {
      destroy(impl_);
      impl_ = std::exchange(other.impl_, nullptr);
    }
    return *this;
  }
  ~Select() { destroy(impl_); }

  template <class C, class T>
  int recv(const C& channel, T* out) {
    return impl().sel.recv(channel, out);
  }
  template <class C, class T>
  int recv(const C& channel, T* out, bool* ok) {
    return impl().sel.recv(channel, out, ok);
  }
  template <class C, class T>
  int recv(const C& channel, T* out, int* ok) {
    Impl& s = impl();
    IntOk* slot = static_cast<IntOk*>(alloc_bytes(sizeof(IntOk)));
    *slot = IntOk{-1, false, ok, s.int_oks};
    s.int_oks = slot;  // owned by the Impl from here on, whatever recv() does next
    slot->index = s.sel.recv(channel, out, &slot->flag);
    return slot->index;
  }
  template <class C, class T>
  int send(const C& channel, const T& value) {
    return impl().sel.send(channel, static_cast<element_of<C>>(value));
  }
  int wait() {
    Impl& s = impl();
    return s.chosen(s.sel.wait());
  }
  int poll() {
    Impl& s = impl();
    return s.chosen(s.sel.poll());
  }
  std::size_t size() const noexcept { return impl_ ? impl_->sel.size() : 0; }

 private:
  struct IntOk {
    int index;    // the case
    bool flag;    // what cyn::Select writes
    int* target;  // the caller's bint
    IntOk* next;
  };
  struct Impl {
    cyn::Select sel;
    IntOk* int_oks = nullptr;
    ~Impl() {
      while (int_oks) free_bytes(std::exchange(int_oks, int_oks->next));
    }
    int chosen(int index) noexcept {
      for (IntOk* p = int_oks; p && index >= 0; p = p->next) {
        if (p->index == index) *p->target = p->flag;
      }
      return index;
    }
  };
  Impl& impl() {
    if (impl_ == nullptr) impl_ = new (alloc_bytes(sizeof(Impl))) Impl();
    return *impl_;
  }
  static void destroy(Impl* p) noexcept {
    if (p == nullptr) return;
    p->~Impl();
    free_bytes(p);
  }
  Impl* impl_ = nullptr;
};

}  // namespace cyn::stdlib
