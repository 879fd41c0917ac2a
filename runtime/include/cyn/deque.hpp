// cyn/deque.hpp — the per-worker run queue: a Chase-Lev work-stealing deque.
//
// The owning worker pushes and pops at the bottom (LIFO: the task spawned last runs next,
// which keeps spawn trees depth-first and the number of live stacks small); idle workers
// steal from the top (FIFO: the oldest task, usually the root of the largest subtree).
// The ring grows without bound; retired rings are kept until the deque dies because a thief
// may still be reading one.
//
//   cyn::detail::WorkStealingDeque<Task*> q;
//   q.push(t);                 // owner only
//   Task* mine = q.pop();      // owner only, nullptr when empty
//   Task* stolen = q.steal();  // any thread, nullptr when empty or lost a race
//
// Invariants: top <= bottom + 1 at all times; slots [top, bottom) hold the queued items;
// only the owner writes bottom; top only grows (by CAS). All orderings are seq_cst where the
// paper (Le et al., PPoPP 2013) puts a full fence, so the code is correct on the C++ model
// and understood by ThreadSanitizer (which ignores stand-alone fences).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>

#include "cyn/alloc.hpp"

namespace cyn::detail {

template <class T>
class WorkStealingDeque {
  static_assert(std::is_pointer_v<T>, "the deque holds pointers (nullptr means empty)");

 public:
  explicit WorkStealingDeque(std::int64_t capacity = 256) {
    array_.store(Ring::make(capacity, nullptr), std::memory_order_relaxed);
  }
  WorkStealingDeque(const WorkStealingDeque&) = delete;
  WorkStealingDeque& operator=(const WorkStealingDeque&) = delete;
  ~WorkStealingDeque() {
    Ring* r = array_.load(std::memory_order_relaxed);
    while (r) {
      Ring* older = r->retired;
      free_bytes(r);
      r = older;
    }
  }

  void push(T item) {
    std::int64_t b = bottom_.load(std::memory_order_relaxed);
    std::int64_t t = top_.load(std::memory_order_acquire);
    Ring* a = array_.load(std::memory_order_relaxed);
    if (b - t > a->mask) a = grow(a, t, b);
    a->slots[b & a->mask].store(item, std::memory_order_relaxed);
    bottom_.store(b + 1, std::memory_order_release);
  }

  T pop() {
    std::int64_t b = bottom_.load(std::memory_order_relaxed) - 1;
    Ring* a = array_.load(std::memory_order_relaxed);
    bottom_.store(b, std::memory_order_seq_cst);
    std::int64_t t = top_.load(std::memory_order_seq_cst);
    if (t > b) {  // empty
      bottom_.store(b + 1, std::memory_order_relaxed);
      return nullptr;
    }
    T item = a->slots[b & a->mask].load(std::memory_order_relaxed);
    if (t == b) {  // the last item: race the thieves for it
      if (!top_.compare_exchange_strong(t, t + 1, std::memory_order_seq_cst,
                                        std::memory_order_relaxed)) {
        item = nullptr;
      }
      bottom_.store(b + 1, std::memory_order_relaxed);
    }
    return item;
  }

  T steal() {
    std::int64_t t = top_.load(std::memory_order_seq_cst);
    std::int64_t b = bottom_.load(std::memory_order_seq_cst);
    if (t >= b) return nullptr;
    Ring* a = array_.load(std::memory_order_acquire);
    T item = a->slots[t & a->mask].load(std::memory_order_relaxed);
    if (!top_.compare_exchange_strong(t, t + 1, std::memory_order_seq_cst,
                                      std::memory_order_relaxed)) {
      return nullptr;
    }
    return item;
  }

  // A snapshot; exact only when no one else touches the deque.
  bool empty() const noexcept {
    return bottom_.load(std::memory_order_seq_cst) <= top_.load(std::memory_order_seq_cst);
  }

 private:
  struct Ring {
    std::int64_t mask;
    Ring* retired;
    std::atomic<T> slots[1];
    static Ring* make(std::int64_t capacity, Ring* retired) {
      std::size_t bytes = sizeof(Ring) + sizeof(std::atomic<T>) * (capacity - 1);
      Ring* r = static_cast<Ring*>(alloc_bytes(bytes));
      r->mask = capacity - 1;
      r->retired = retired;
      for (std::int64_t i = 0; i < capacity; ++i) new (&r->slots[i]) std::atomic<T>(nullptr);
      return r;
    }
  };

  Ring* grow(Ring* a, std::int64_t t, std::int64_t b) {
    Ring* bigger = Ring::make((a->mask + 1) * 2, a);
    for (std::int64_t i = t; i < b; ++i) {
      bigger->slots[i & bigger->mask].store(a->slots[i & a->mask].load(std::memory_order_relaxed),
                                            std::memory_order_relaxed);
    }
    array_.store(bigger, std::memory_order_release);
    return bigger;
  }

  alignas(64) std::atomic<std::int64_t> top_{0};
  alignas(64) std::atomic<std::int64_t> bottom_{0};
  std::atomic<Ring*> array_{nullptr};
};

}  // namespace cyn::detail
