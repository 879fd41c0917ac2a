// cyn/parker.hpp — a one-shot wake-up for the current coroutine or thread.
//
// Every blocking primitive (channel, wait group, mutex, select, netpoll) is built on it: the
// waiter publishes a Parker (under the primitive's lock), unlocks, and parks; whoever
// satisfies the wait calls unpark(). Inside a coroutine park() suspends the coroutine; in a
// plain thread it blocks the thread on a futex. unpark() may come before park(): park() then
// returns at once.
//
//   cyn::Parker p;          // binds to the calling coroutine/thread
//   queue.push(&p);         // under a lock
//   unlock(); p.park();     // returns after someone's p.unpark()
//
// Invariants: unpark() is called at most once per Parker; after unpark() the waker must not
// touch the Parker (its owner may return and pop it off its stack).
#pragma once

#include <atomic>
#include <cstdint>

#include "cyn/scheduler.hpp"

namespace cyn {

class Parker {
 public:
  Parker() noexcept : task_(detail::current_task()) {}
  Parker(const Parker&) = delete;
  Parker& operator=(const Parker&) = delete;

  void park();
  void unpark() noexcept;
  bool unparked() const noexcept { return state_.load(std::memory_order_acquire) == kWoken; }

 private:
  // kParked: a suspended coroutine (unpark readies its task); kParkedThread: a blocked
  // thread, or a coroutine that the GIL pins to its thread (unpark wakes the futex).
  static constexpr std::uint32_t kRunning = 0, kParked = 1, kWoken = 2, kParkedThread = 3;
  static void after_suspend(void* self);
  detail::Task* task_;
  std::atomic<std::uint32_t> state_{kRunning};
};

}  // namespace cyn
