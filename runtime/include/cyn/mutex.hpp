// cyn/mutex.hpp — a mutual-exclusion lock that suspends the coroutine, not the thread.
//
// While one coroutine holds it, others calling lock() are parked in FIFO order and the
// worker runs other coroutines. unlock() hands the lock directly to the first waiter, so no
// waiter starves. Usable from plain threads too (they block on a futex).
//
//   auto mu = cyn::make<cyn::Mutex>();
//   mu->lock();
//   shared_counter += 1;      // may even suspend (sleep, channel...) while holding it
//   mu->unlock();
//
// Like Go's sync.Mutex, it is not tied to the coroutine that locked it; unlocking an
// unlocked Mutex throws std::runtime_error.
#pragma once

#include "cyn/object.hpp"
#include "cyn/parker.hpp"
#include "cyn/spinlock.hpp"

namespace cyn {

class Mutex : public Object {
 public:
  Mutex() = default;
  void lock();
  bool try_lock();
  void unlock();

 private:
  struct Waiter {
    Parker parker;
    Waiter* next = nullptr;
  };
  SpinLock lock_;
  bool locked_ = false;        // under lock_
  Waiter* head_ = nullptr;     // FIFO of parked lockers, under lock_
  Waiter* tail_ = nullptr;
};

}  // namespace cyn
