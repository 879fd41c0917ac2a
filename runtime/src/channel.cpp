// Type-erased channels and select (cyn/channel.hpp, cyn/select.hpp).
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "cyn/channel.hpp"
#include "cyn/select.hpp"

namespace cyn {
namespace detail {

// The shared state of one blocked select: the first channel operation to claim it (CAS on
// `fired` from -1 to its case index) completes that case; every other case is then stale.
struct SelectState {
  std::atomic<int> fired{-1};
  Parker parker;
};

void WaitQueue::push(ChanWaiter* w) noexcept {
  w->next = nullptr;
  w->prev = tail;
  if (tail) {
    tail->next = w;
  } else {
    head = w;
  }
  tail = w;
  w->queued = true;
}

void WaitQueue::remove(ChanWaiter* w) noexcept {
  if (!w->queued) return;
  if (w->prev) {
    w->prev->next = w->next;
  } else {
    head = w->next;
  }
  if (w->next) {
    w->next->prev = w->prev;
  } else {
    tail = w->prev;
  }
  w->prev = w->next = nullptr;
  w->queued = false;
}

ChanWaiter* WaitQueue::dequeue() noexcept {
  while (head) {
    ChanWaiter* w = head;
    remove(w);
    if (w->select) {
      int expected = -1;
      if (!w->select->fired.compare_exchange_strong(expected, w->case_index,
                                                    std::memory_order_acq_rel)) {
        continue;  // its select completed another case; the owner will not look here again
      }
    }
    return w;
  }
  return nullptr;
}

namespace {
// Per-thread random numbers for select's shuffling; read through an opaque call because a
// coroutine may move between threads.
thread_local std::uint64_t tls_rng = 0;
__attribute__((noinline)) std::uint32_t next_random() noexcept {
  std::uint64_t x = tls_rng;
  if (x == 0) x = reinterpret_cast<std::uintptr_t>(&tls_rng) | 1;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  tls_rng = x;
  asm volatile("" ::: "memory");
  return static_cast<std::uint32_t>(x >> 16);
}
}  // namespace

}  // namespace detail

ChannelBase::ChannelBase(std::size_t capacity, const detail::ElemOps* ops)
    : ops_(ops), cap_(capacity) {
  // A negative capacity from Cython arrives here as a huge size_t; a product that overflows
  // would allocate a tiny buffer and let sends write past it. Go panics ("makechan: size out
  // of range"); we throw, which `except +` turns into ValueError.
  if (cap_ > static_cast<std::size_t>(PTRDIFF_MAX) / (ops_->size ? ops_->size : 1)) {
    throw std::invalid_argument("Channel capacity out of range");
  }
  if (cap_ > 0) buf_ = static_cast<char*>(alloc_bytes(cap_ * ops_->size));
}

ChannelBase::~ChannelBase() {
  for (std::size_t i = 0; i < count_; ++i) ops_->destroy(slot_at(head_ + i));
  if (buf_) free_bytes(buf_);
}

std::size_t ChannelBase::len() const {
  lock_.lock();
  std::size_t n = count_;
  lock_.unlock();
  return n;
}

bool ChannelBase::closed() const {
  lock_.lock();
  bool c = closed_;
  lock_.unlock();
  return c;
}

bool ChannelBase::try_send_locked(const void* value, detail::ChanWaiter** wake) {
  *wake = nullptr;
  if (closed_) throw ChannelClosedError("send on closed channel");
  if (detail::ChanWaiter* r = recvq_.dequeue()) {  // hand over directly
    ops_->copy_assign(r->slot, value);
    r->ok = true;
    *wake = r;
    return true;
  }
  if (count_ < cap_) {
    ops_->copy_construct(slot_at(head_ + count_), value);
    ++count_;
    return true;
  }
  return false;
}

bool ChannelBase::try_recv_locked(void* out, bool* ok, detail::ChanWaiter** wake) {
  *wake = nullptr;
  if (count_ > 0) {
    void* s = slot_at(head_);
    ops_->move_assign(out, s);
    ops_->destroy(s);
    head_ = (head_ + 1) % cap_;
    --count_;
    // Room now: the longest-waiting sender moves its value into the buffer.
    if (detail::ChanWaiter* sw = sendq_.dequeue()) {
      ops_->copy_construct(slot_at(head_ + count_), sw->slot);
      ++count_;
      sw->ok = true;
      *wake = sw;
    }
    *ok = true;
    return true;
  }
  if (detail::ChanWaiter* sw = sendq_.dequeue()) {  // unbuffered: take from the sender
    ops_->copy_assign(out, sw->slot);
    sw->ok = true;
    *wake = sw;
    *ok = true;
    return true;
  }
  if (closed_) {
    ops_->assign_zero(out);
    *ok = false;
    return true;
  }
  return false;
}

void ChannelBase::send_erased(const void* value) {
  detail::ChanWaiter* wake = nullptr;
  lock_.lock();
  bool done;
  try {
    done = try_send_locked(value, &wake);
  } catch (...) {
    lock_.unlock();
    throw;
  }
  if (done) {
    lock_.unlock();
    if (wake) wake->parker->unpark();
    return;
  }
  Parker parker;
  detail::ChanWaiter me;
  me.slot = const_cast<void*>(value);
  me.parker = &parker;
  sendq_.push(&me);
  lock_.unlock();
  parker.park();
  if (!me.ok) throw ChannelClosedError("send on closed channel");
}

bool ChannelBase::recv_erased(void* out) {
  detail::ChanWaiter* wake = nullptr;
  bool ok = false;
  lock_.lock();
  if (try_recv_locked(out, &ok, &wake)) {
    lock_.unlock();
    if (wake) wake->parker->unpark();
    return ok;
  }
  Parker parker;
  detail::ChanWaiter me;
  me.slot = out;
  me.parker = &parker;
  recvq_.push(&me);
  lock_.unlock();
  parker.park();
  if (!me.ok) ops_->assign_zero(out);
  return me.ok;
}

void ChannelBase::close() {
  lock_.lock();
  if (closed_) {
    lock_.unlock();
    throw ChannelClosedError("close of closed channel");
  }
  closed_ = true;
  // Collect everyone still parked (claiming select waiters), wake them after unlocking.
  detail::ChanWaiter* wake = nullptr;
  for (detail::WaitQueue* q : {&recvq_, &sendq_}) {
    while (detail::ChanWaiter* w = q->dequeue()) {
      w->ok = false;
      w->next = wake;
      wake = w;
    }
  }
  lock_.unlock();
  while (wake) {
    detail::ChanWaiter* next = wake->next;  // read first: the waiter may vanish once woken
    wake->parker->unpark();
    wake = next;
  }
}

// ---------------------------------------------------------------------------------------------
// Select

Select::~Select() {
  for (Case& c : cases_) {
    if (c.is_send) {
      c.ops->destroy(c.slot);
      free_bytes(c.slot);
    }
  }
}

namespace {
// Locks every distinct channel of the select in address order (the global lock order for
// multi-channel operations; single operations take one lock only).
struct LockAll {
  std::vector<ChannelBase*> chans;
  template <class F>
  explicit LockAll(std::size_t n, F&& channel_at) {
    chans.reserve(n);
    for (std::size_t i = 0; i < n; ++i) chans.push_back(channel_at(i));
    std::sort(chans.begin(), chans.end());
    chans.erase(std::unique(chans.begin(), chans.end()), chans.end());
    if (!chans.empty() && chans.front() == nullptr) chans.erase(chans.begin());  // None cases
  }
};
}  // namespace

int Select::run(bool block) {
  const int n = static_cast<int>(cases_.size());
  // A case on a None channel (Go's nil channel) can never proceed: it takes no part below.
  const bool any_channel = std::any_of(cases_.begin(), cases_.end(),
                                       [](const Case& c) { return c.ch.get() != nullptr; });
  if (!any_channel) {
    if (!block) return -1;
    Parker forever;
    forever.park();  // nobody holds it: blocked for good (deadlock detection sees it)
    return -1;
  }
  // A random order makes the choice among ready cases fair.
  int order_small[16];
  std::vector<int> order_big;
  int* order = order_small;
  if (n > 16) {
    order_big.resize(n);
    order = order_big.data();
  }
  for (int i = 0; i < n; ++i) order[i] = i;
  for (int i = n - 1; i > 0; --i) std::swap(order[i], order[detail::next_random() % (i + 1)]);

  LockAll all(cases_.size(), [this](std::size_t i) { return cases_[i].ch.get(); });
  auto lock_all = [&] {
    for (ChannelBase* c : all.chans) c->lock_.lock();
  };
  auto unlock_all = [&] {
    for (auto it = all.chans.rbegin(); it != all.chans.rend(); ++it) (*it)->lock_.unlock();
  };

  lock_all();
  // Pass 1: is any case ready now?
  for (int k = 0; k < n; ++k) {
    int i = order[k];
    Case& c = cases_[i];
    if (!c.ch) continue;
    detail::ChanWaiter* wake = nullptr;
    bool done;
    if (c.is_send) {
      try {
        done = c.ch->try_send_locked(c.slot, &wake);
      } catch (...) {
        unlock_all();
        throw;
      }
    } else {
      bool ok = false;
      done = c.ch->try_recv_locked(c.slot, &ok, &wake);
      if (done && c.ok) *c.ok = ok;
    }
    if (done) {
      unlock_all();
      if (wake) wake->parker->unpark();
      return i;
    }
  }
  if (!block) {
    unlock_all();
    return -1;
  }
  // Pass 2: park on every channel at once; the first operation to claim us completes its case.
  detail::SelectState state;
  std::vector<detail::ChanWaiter> waiters(n);
  for (int i = 0; i < n; ++i) {
    Case& c = cases_[i];
    if (!c.ch) continue;
    detail::ChanWaiter& w = waiters[i];
    w.slot = c.slot;
    w.parker = &state.parker;
    w.select = &state;
    w.case_index = i;
    (c.is_send ? c.ch->sendq_ : c.ch->recvq_).push(&w);
  }
  unlock_all();
  state.parker.park();
  const int fired = state.fired.load(std::memory_order_acquire);
  // Withdraw the cases that did not fire.
  lock_all();
  for (int i = 0; i < n; ++i) {
    Case& c = cases_[i];
    if (c.ch) (c.is_send ? c.ch->sendq_ : c.ch->recvq_).remove(&waiters[i]);
  }
  unlock_all();
  Case& c = cases_[fired];
  if (c.is_send) {
    if (!waiters[fired].ok) throw ChannelClosedError("send on closed channel");
  } else {
    if (!waiters[fired].ok) c.ch->ops_->assign_zero(c.slot);
    if (c.ok) *c.ok = waiters[fired].ok;
  }
  return fired;
}

}  // namespace cyn
