// cyn/spinlock.hpp — a tiny lock for the runtime's short critical sections.
//
// Channels, wait groups and the netpoller hold their lock for a few dozen instructions, so a
// test-and-test-and-set spin is cheaper than a pthread mutex. After a short spin it calls
// sched_yield() so that a holder preempted on a busy core can finish (2-core machines).
//
//   cyn::SpinLock lock;
//   { std::lock_guard<cyn::SpinLock> g(lock); ...; }
#pragma once

#include <sched.h>

#include <atomic>

namespace cyn {

// Tells the CPU we are spinning (saves power, frees the sibling hyper-thread).
inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

class SpinLock {
 public:
  void lock() noexcept {
    for (int spins = 0;; ++spins) {
      if (!locked_.exchange(true, std::memory_order_acquire)) return;
      while (locked_.load(std::memory_order_relaxed)) {
        if (++spins < 64) {
          cpu_relax();
        } else {
          sched_yield();
        }
      }
    }
  }
  bool try_lock() noexcept {
    return !locked_.load(std::memory_order_relaxed) &&
           !locked_.exchange(true, std::memory_order_acquire);
  }
  void unlock() noexcept { locked_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> locked_{false};
};

}  // namespace cyn
