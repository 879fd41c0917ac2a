// cyn/select.hpp — wait on several channel operations at once (Go's select).
//
// Register cases, then wait() for one of them (or poll() for a non-blocking try: Go's
// `default:`). Each registration returns the case's index; wait()/poll() return the index
// of the case that completed. When several are ready, one is chosen uniformly at random,
// so no case starves.
//
//   cyn::Select sel;
//   int v; bool ok;
//   int from_a = sel.recv(a, &v, &ok);
//   int to_b = sel.send(b, 7);
//   int i = sel.wait();
//   if (i == from_a) { ...v, ok... } else { ...7 went to b... }
//
// A Select is a plain stack object used for one wait()/poll(). A receive case on a closed
// channel completes with *ok = false and *out = T{}; a send case on a closed channel makes
// wait()/poll() throw ChannelClosedError. A case on a null channel (None in Cython; Go's nil
// channel) is never ready, so it is a way to switch a case off; a Select whose cases are all
// on null channels, or that has no cases, blocks forever in wait().
#pragma once

#include <cstddef>
#include <new>
#include <vector>

#include "cyn/channel.hpp"
#include "cyn/object.hpp"

namespace cyn {

namespace detail {
struct SelectState;
}

class Select {
 public:
  Select() = default;
  Select(const Select&) = delete;
  Select& operator=(const Select&) = delete;
  ~Select();

  template <class T>
  int recv(const Ref<Channel<T>>& ch, T* out, bool* ok = nullptr) {
    cases_.push_back(Case{Ref<ChannelBase>(ch), false, out, ok, nullptr});
    return static_cast<int>(cases_.size()) - 1;
  }
  template <class T>
  int send(const Ref<Channel<T>>& ch, const T& value) {
    // The value is copied now: the argument may be a temporary.
    void* copy = alloc_bytes(sizeof(T));
    new (copy) T(value);
    cases_.push_back(Case{Ref<ChannelBase>(ch), true, copy, nullptr, detail::elem_ops<T>()});
    return static_cast<int>(cases_.size()) - 1;
  }

  int wait() { return run(true); }
  int poll() { return run(false); }
  std::size_t size() const noexcept { return cases_.size(); }

 private:
  struct Case {
    Ref<ChannelBase> ch;
    bool is_send;
    void* slot;                  // send: our copy of the value; recv: the caller's T*
    bool* ok;                    // recv only, may be null
    const detail::ElemOps* ops;  // send only: to destroy our copy
  };
  int run(bool block);
  std::vector<Case> cases_;
};

}  // namespace cyn
