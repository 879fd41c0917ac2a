// cyn/waitgroup.hpp — wait for a set of coroutines to finish (Go's sync.WaitGroup).
//
// A counter: add(n) before starting n coroutines, each calls done() when finished, and
// wait() suspends the caller (coroutine or thread) until the counter is zero.
//
//   auto wg = cyn::make<cyn::WaitGroup>();
//   wg->add(10);
//   for (int i = 0; i < 10; ++i) cyn::spawn(&work, i, wg);   // work() ends with wg->done()
//   wg->wait();
//
// Invariant: the counter never goes below zero (add/done throw std::runtime_error "sync:
// negative WaitGroup counter" instead, like Go's panic). When it reaches zero every waiter
// is woken.
#pragma once

#include <atomic>

#include "cyn/object.hpp"
#include "cyn/parker.hpp"
#include "cyn/spinlock.hpp"

namespace cyn {

class WaitGroup : public Object {
 public:
  WaitGroup() = default;
  void add(long n);
  void done() { add(-1); }
  void wait();
  long count() const noexcept { return counter_.load(std::memory_order_acquire); }

 private:
  struct Waiter {
    Parker parker;
    Waiter* next = nullptr;
  };
  std::atomic<long> counter_{0};
  SpinLock lock_;
  Waiter* waiters_ = nullptr;  // under lock_
};

}  // namespace cyn
