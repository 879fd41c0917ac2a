// cyn/channel.hpp — typed FIFO channels between coroutines (Go's chan T).
//
// Channel<T>(0) is unbuffered: a send waits for a receiver and hands the value over
// directly. Channel<T>(n) buffers n values: send waits only when the buffer is full, recv
// only when it is empty. Blocking suspends the coroutine (or blocks a plain thread).
// close() wakes everyone: receivers drain what is buffered and then get T{} /
// recv_ok()==false; senders (waiting or later) get ChannelClosedError.
//
//   auto ch = cyn::make<cyn::Channel<int>>(16);
//   ch->send(42);
//   int v = ch->recv();             // 42
//   ch->close();
//   while (ch->recv_ok(&v)) {...}   // drains, then false
//
// T may be a C scalar, a struct or a cyn::Ref<X>: values are copied in with T's copy
// constructor, moved out to the receiver, and destroyed in the buffer, so references are
// neither leaked nor dropped early. The logic is type-erased in ChannelBase (compiled once
// in libcyn); Channel<T> only supplies T's copy/move/destroy operations.
//
// Invariants (under the channel's lock): 0 <= count <= capacity; when the buffer holds
// values no receiver waits; when the buffer has room no sender waits; a closed channel has
// no waiters.
#pragma once

#include <cstddef>
#include <new>
#include <stdexcept>
#include <utility>

#include "cyn/object.hpp"
#include "cyn/parker.hpp"
#include "cyn/spinlock.hpp"

namespace cyn {

// Sending on (or closing) a closed channel; Python sees RuntimeError through `except +`.
class ChannelClosedError : public std::runtime_error {
 public:
  explicit ChannelClosedError(const char* what = "send on closed channel")
      : std::runtime_error(what) {}
};

class Select;

namespace detail {

// How the type-erased channel handles values of one type.
struct ElemOps {
  std::size_t size;
  void (*copy_construct)(void* raw_dst, const void* src);
  void (*copy_assign)(void* dst, const void* src);
  void (*move_assign)(void* dst, void* src);
  void (*destroy)(void* p);
  void (*assign_zero)(void* dst);
};

template <class T>
const ElemOps* elem_ops() {
  static const ElemOps ops = {
      sizeof(T),
      [](void* d, const void* s) { new (d) T(*static_cast<const T*>(s)); },
      [](void* d, const void* s) { *static_cast<T*>(d) = *static_cast<const T*>(s); },
      [](void* d, void* s) { *static_cast<T*>(d) = std::move(*static_cast<T*>(s)); },
      [](void* p) { static_cast<T*>(p)->~T(); },
      [](void* d) { *static_cast<T*>(d) = T{}; },
  };
  return &ops;
}

struct SelectState;

// One party parked on a channel: a sender (slot = the value to copy) or a receiver (slot =
// where to store the value). `ok` tells the parked party how it ended.
struct ChanWaiter {
  ChanWaiter* prev = nullptr;
  ChanWaiter* next = nullptr;
  bool queued = false;
  void* slot = nullptr;
  bool ok = false;
  Parker* parker = nullptr;
  SelectState* select = nullptr;  // non-null for a select case: must be claimed first
  int case_index = -1;
};

struct WaitQueue {
  ChanWaiter* head = nullptr;
  ChanWaiter* tail = nullptr;
  void push(ChanWaiter* w) noexcept;
  void remove(ChanWaiter* w) noexcept;
  // Removes and returns the first waiter that can still be completed (a select waiter is
  // claimed here; one whose select already fired elsewhere is dropped).
  ChanWaiter* dequeue() noexcept;
};

}  // namespace detail

class ChannelBase : public Object {
 public:
  ChannelBase(const ChannelBase&) = delete;
  ChannelBase& operator=(const ChannelBase&) = delete;

  std::size_t len() const;
  std::size_t cap() const noexcept { return cap_; }
  bool closed() const;
  void close();  // throws ChannelClosedError("close of closed channel") the second time

 protected:
  ChannelBase(std::size_t capacity, const detail::ElemOps* ops);
  ~ChannelBase() override;
  void send_erased(const void* value);
  bool recv_erased(void* out);

 private:
  friend class Select;
  void* slot_at(std::size_t i) const noexcept { return buf_ + (i % cap_) * ops_->size; }
  // Both under lock_; return true when the operation completed, with `*wake` set to a
  // parked partner to unpark after unlocking (or nullptr).
  bool try_send_locked(const void* value, detail::ChanWaiter** wake);
  bool try_recv_locked(void* out, bool* ok, detail::ChanWaiter** wake);

  mutable SpinLock lock_;
  const detail::ElemOps* ops_;
  std::size_t cap_;
  char* buf_ = nullptr;       // cap_ slots of ops_->size bytes; [head_, head_+count_) live
  std::size_t head_ = 0;
  std::size_t count_ = 0;
  bool closed_ = false;
  detail::WaitQueue recvq_;
  detail::WaitQueue sendq_;
};

template <class T>
class Channel final : public ChannelBase {
 public:
  explicit Channel(std::size_t capacity = 0) : ChannelBase(capacity, detail::elem_ops<T>()) {}

  // Blocks until a receiver or buffer space takes the value; throws ChannelClosedError.
  void send(const T& value) { send_erased(&value); }
  // The next value; T{} once the channel is closed and drained.
  T recv() {
    T value{};
    recv_erased(&value);
    return value;
  }
  // Stores the next value in *out and returns true; false (and *out = T{}) once closed and
  // drained.
  bool recv_ok(T* out) { return recv_erased(out); }
};

}  // namespace cyn
