// WaitGroup and Mutex (cyn/waitgroup.hpp, cyn/mutex.hpp).
#include <stdexcept>

#include "cyn/mutex.hpp"
#include "cyn/waitgroup.hpp"

namespace cyn {

void WaitGroup::add(long n) {
  long now = counter_.fetch_add(n, std::memory_order_acq_rel) + n;
  if (now < 0) {
    counter_.fetch_sub(n, std::memory_order_acq_rel);
    throw std::runtime_error("sync: negative WaitGroup counter");
  }
  if (now != 0 || n == 0) return;
  // Reached zero: wake everyone who waited. A wait() that checks later sees zero itself.
  lock_.lock();
  Waiter* w = waiters_;
  waiters_ = nullptr;
  lock_.unlock();
  while (w) {
    Waiter* next = w->next;  // read before unpark: the waiter may return and vanish
    w->parker.unpark();
    w = next;
  }
}

void WaitGroup::wait() {
  if (counter_.load(std::memory_order_acquire) == 0) return;
  Waiter me;
  lock_.lock();
  if (counter_.load(std::memory_order_acquire) == 0) {
    lock_.unlock();
    return;
  }
  me.next = waiters_;
  waiters_ = &me;
  lock_.unlock();
  me.parker.park();
}

void Mutex::lock() {
  lock_.lock();
  if (!locked_) {
    locked_ = true;
    lock_.unlock();
    return;
  }
  Waiter me;
  if (tail_) {
    tail_->next = &me;
  } else {
    head_ = &me;
  }
  tail_ = &me;
  lock_.unlock();
  me.parker.park();  // unlock() handed the lock to us: locked_ stayed true
}

bool Mutex::try_lock() {
  lock_.lock();
  bool got = !locked_;
  locked_ = true;
  lock_.unlock();
  return got;
}

void Mutex::unlock() {
  lock_.lock();
  if (!locked_) {
    lock_.unlock();
    throw std::runtime_error("sync: unlock of unlocked mutex");
  }
  Waiter* w = head_;
  if (w) {
    head_ = w->next;
    if (!head_) tail_ = nullptr;
  } else {
    locked_ = false;
  }
  lock_.unlock();
  if (w) w->parker.unpark();
}

}  // namespace cyn
