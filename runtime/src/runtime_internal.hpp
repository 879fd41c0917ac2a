// Interfaces between the scheduler, the timers and the netpoller (internal to libcyn).
#pragma once

#include <cstddef>
#include <cstdint>

#include "cyn/object.hpp"

namespace cyn::detail {

// A coroutine that suspends takes its stack's destruction state (cyn/object.hpp) off the
// thread and puts it back on whichever thread resumes it: a destructor may suspend.
DestroyState take_destroy_state() noexcept;
void put_destroy_state(DestroyState saved) noexcept;

// A deadline in the shared timer heap. `fire` runs on a worker, with the timer lock held:
// it must only wake someone (Parker::unpark, ready), never block or add/cancel timers.
struct Timer {
  std::int64_t when = 0;  // now_ns() deadline
  void (*fire)(Timer*) = nullptr;
  void* arg = nullptr;
  std::size_t index = static_cast<std::size_t>(-1);  // position in the heap; -1 when out
};

// Adds a timer (wakes the worker waiting in epoll when it becomes the nearest deadline).
void timer_add(Timer* t);
// Removes a timer; returns false when it already fired (its `fire` has completed then).
bool timer_cancel(Timer* t) noexcept;

// Called after a coroutine starts waiting for I/O: if workers sleep and none waits in epoll,
// wake one so that it takes the epoll role (otherwise the event is seen only when a busy
// worker next looks).
void ensure_poller();

// Netpoller hooks used by the scheduler's idle loop.
// Waits up to timeout_ns (0: just look, <0: forever) for I/O readiness and wakes the waiting
// coroutines (onto the calling worker). Returns how many it woke.
int netpoll_poll(std::int64_t timeout_ns);
// Interrupts a netpoll_poll() blocked in another thread.
void netpoll_interrupt() noexcept;
// Number of coroutines currently waiting for I/O readiness.
long netpoll_waiters() noexcept;
// In a forked child (pthread_atfork, set up by the scheduler): forget the parent's poller and
// stack pool locks so the child's runtime starts afresh.
void netpoll_after_fork_in_child() noexcept;
void stacks_after_fork_in_child() noexcept;

}  // namespace cyn::detail
