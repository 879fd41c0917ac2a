// The work-stealing scheduler, coroutine switching, run(), yield and timers
// (cyn/scheduler.hpp, cyn/coro.hpp, cyn/sleep.hpp, cyn/parker.hpp).
#include "cyn/scheduler.hpp"

#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "cyn/coro.hpp"
#include "cyn/deque.hpp"
#include "cyn/error.hpp"
#include "cyn/parker.hpp"
#include "cyn/sleep.hpp"
#include "cyn/spinlock.hpp"
#include "cyn/stack.hpp"
#include "cyn/task.hpp"
#include "runtime_internal.hpp"
#include "sanitizer_fiber.hpp"

namespace cyn {
namespace detail {

// ---------------------------------------------------------------------------------------------
// Small helpers

namespace {

void futex_wait(std::atomic<std::uint32_t>* addr, std::uint32_t expected) noexcept {
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(addr), FUTEX_WAIT_PRIVATE, expected,
          nullptr, nullptr, 0);
}
void futex_wait_for(std::atomic<std::uint32_t>* addr, std::uint32_t expected,
                    std::int64_t ns) noexcept {
  timespec ts;
  ts.tv_sec = ns / 1000000000;
  ts.tv_nsec = ns % 1000000000;
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(addr), FUTEX_WAIT_PRIVATE, expected, &ts,
          nullptr, 0);
}
void futex_wake(std::atomic<std::uint32_t>* addr, int n) noexcept {
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(addr), FUTEX_WAKE_PRIVATE, n, nullptr,
          nullptr, 0);
}

// Markers a fiber passes back to its worker.
void* const kTaskDone = reinterpret_cast<void*>(1);
void* const kTaskSuspended = nullptr;

}  // namespace

// The state shared by cyn::run() and its root task.
struct RunState {
  std::atomic<std::uint32_t> state{0};  // kRunning, then kDone, kDeadlock or kInterrupted
  std::atomic<int> refs{2};             // run()'s and the task's
  std::exception_ptr error;             // a C++ exception that escaped the root
  void* python_error = nullptr;         // a Python exception that escaped it (cyn_capture_error)
  // kInterrupted: run()'s caller stopped waiting (Ctrl-C); the root runs on without it.
  static constexpr std::uint32_t kRunning = 0, kDone = 1, kDeadlock = 2, kInterrupted = 3;
  void unref() noexcept {
    if (refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }
};

struct Scheduler;

// One worker thread. Fields without atomics are touched only by the worker itself, or
// under the scheduler's idle lock where noted.
struct alignas(64) Worker {
  int id = 0;
  Scheduler* sched = nullptr;
  WorkStealingDeque<Task*> deque;
  // Read by thieves: on a cache line of their own, so a spinning thief does not keep
  // stealing the line that holds the owner's hot private fields below.
  alignas(64) std::atomic<Task*> runnext{nullptr};  // the task woken last: runs before the deque
  std::atomic<std::uint32_t> sched_tick{0};  // counts tasks run (thieves read it)
  // Private to the worker from here on (except where noted).
  alignas(64) Task* current = nullptr;   // the running task, null on the worker's own stack
  Fiber* current_fiber = nullptr;
  Fiber* spare = nullptr;                // an idle stack for the next fresh task
  Task* chained = nullptr;               // a task a finished fiber asked us to run next
  ctx::fcontext_t sched_context = nullptr;  // the worker's own stack, while a fiber runs
  void (*after_fn)(void*) = nullptr;     // what to do once the current fiber is switched out
  void* after_arg = nullptr;
  std::uint32_t tick = 0;                // scheduling rounds (fairness checks every 61)
  std::uint32_t yields = 0;
  std::uint64_t rng = 0;
  bool spinning = false;                 // counted in Scheduler::nspinning
  std::atomic<std::uint32_t> wake_word{0};  // futex: set to 1 by the waker
  bool in_idle = false;                  // under idle_mu: in Scheduler::idle
  bool polling = false;                  // under idle_mu: the worker waiting in epoll
  void* tsan_sched_fiber = nullptr;
  const void* asan_stack_bottom = nullptr;
  std::size_t asan_stack_size = 0;

  std::uint32_t next_random() noexcept {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return static_cast<std::uint32_t>(rng);
  }
};

struct Scheduler {
  int nworkers = 0;
  std::vector<Worker*> workers;

  // Global FIFO queue: spawns and wake-ups from non-worker threads, every 61st yield.
  std::mutex global_mu;
  Task* global_head = nullptr;
  Task* global_tail = nullptr;
  std::atomic<long> global_size{0};
  std::atomic<std::uint64_t> global_pushes{0};  // progress made by anyone, seen by run()

  // Idle workers; the one in epoll is marked `polling`.
  std::mutex idle_mu;
  std::vector<Worker*> idle;
  std::atomic<int> nidle{0};
  std::atomic<int> nspinning{0};
  bool poller_active = false;       // under idle_mu

  // Timers: a binary min-heap on `when`.
  std::mutex timer_mu;
  std::vector<Timer*> heap;
  std::atomic<std::int64_t> next_deadline{INT64_MAX};
  std::atomic<long> ntimers{0};
  std::atomic<bool> poller_blocked{false};
};

namespace {

std::atomic<Scheduler*> g_sched{nullptr};
std::mutex g_start_mu;  // not a once_flag: a forked child starts a scheduler of its own
std::atomic<int> g_configured_threads{0};
std::atomic<bool> g_started{false};

thread_local Worker* tls_worker = nullptr;

// A coroutine may resume on another thread than the one it left, so the compiler must not
// keep a thread-local's address across a switch: always read it through this opaque call.
__attribute__((noinline)) Worker* this_worker() noexcept {
  Worker* w = tls_worker;
  asm volatile("" ::: "memory");
  return w;
}

// ---------------------------------------------------------------------------------------------
// Global queue

void global_push(Scheduler* s, Task* t) {
  std::lock_guard<std::mutex> g(s->global_mu);
  t->next = nullptr;
  if (s->global_tail) {
    s->global_tail->next = t;
  } else {
    s->global_head = t;
  }
  s->global_tail = t;
  s->global_size.fetch_add(1, std::memory_order_seq_cst);
  s->global_pushes.fetch_add(1, std::memory_order_relaxed);
}

// Takes one task, and (when `batch`) moves a fair share of the rest to `w`'s deque.
Task* global_pop(Scheduler* s, Worker* w, bool batch) {
  if (s->global_size.load(std::memory_order_seq_cst) == 0) return nullptr;
  std::lock_guard<std::mutex> g(s->global_mu);
  Task* first = s->global_head;
  if (!first) return nullptr;
  long want = 1;
  if (batch && w) {
    want = std::min<long>(s->global_size.load(std::memory_order_relaxed) / s->nworkers + 1, 64);
  }
  s->global_head = first->next;
  first->next = nullptr;
  long taken = 1;
  while (taken < want && s->global_head) {
    Task* t = s->global_head;
    s->global_head = t->next;
    t->next = nullptr;
    w->deque.push(t);
    ++taken;
  }
  if (!s->global_head) s->global_tail = nullptr;
  s->global_size.fetch_sub(taken, std::memory_order_seq_cst);
  return first;
}

// ---------------------------------------------------------------------------------------------
// Timers (heap under timer_mu)

void heap_swap(std::vector<Timer*>& h, std::size_t a, std::size_t b) {
  std::swap(h[a], h[b]);
  h[a]->index = a;
  h[b]->index = b;
}
void heap_up(std::vector<Timer*>& h, std::size_t i) {
  while (i > 0) {
    std::size_t p = (i - 1) / 2;
    if (h[p]->when <= h[i]->when) break;
    heap_swap(h, p, i);
    i = p;
  }
}
void heap_down(std::vector<Timer*>& h, std::size_t i) {
  for (;;) {
    std::size_t l = 2 * i + 1, r = l + 1, m = i;
    if (l < h.size() && h[l]->when < h[m]->when) m = l;
    if (r < h.size() && h[r]->when < h[m]->when) m = r;
    if (m == i) return;
    heap_swap(h, i, m);
    i = m;
  }
}
void heap_remove(std::vector<Timer*>& h, std::size_t i) {
  std::size_t last = h.size() - 1;
  if (i != last) heap_swap(h, i, last);
  h.back()->index = static_cast<std::size_t>(-1);
  h.pop_back();
  if (i < h.size()) {
    heap_down(h, i);
    heap_up(h, i);
  }
}

void fire_timers(Scheduler* s, std::int64_t now) {
  std::lock_guard<std::mutex> g(s->timer_mu);
  auto& h = s->heap;
  // Expired timers are fired latest first: each wake-up takes this worker's run-next slot
  // and pushes the previous one onto the (LIFO) deque, so the earliest deadline runs first
  // and the rest follow in deadline order.
  Timer* batch[64];
  int n = 0;
  while (n < 64 && !h.empty() && h[0]->when <= now) {
    batch[n++] = h[0];
    heap_remove(h, 0);
    s->ntimers.fetch_sub(1, std::memory_order_seq_cst);
  }
  while (n > 0) {
    Timer* t = batch[--n];
    t->fire(t);
  }
  s->next_deadline.store(h.empty() ? INT64_MAX : h[0]->when, std::memory_order_seq_cst);
}

inline void maybe_fire_timers(Scheduler* s) {
  std::int64_t next = s->next_deadline.load(std::memory_order_relaxed);
  if (next != INT64_MAX) {
    std::int64_t now = now_ns();
    if (next <= now) fire_timers(s, now);
  }
}

// ---------------------------------------------------------------------------------------------
// Waking idle workers

bool work_visible(Scheduler* s) {
  if (s->global_size.load(std::memory_order_seq_cst) > 0) return true;
  for (Worker* v : s->workers) {
    if (!v->deque.empty()) return true;
  }
  return false;
}

// Wakes one idle worker, as a spinner, if nobody is already looking for work.
void wakep(Scheduler* s) {
  if (s->nidle.load(std::memory_order_seq_cst) == 0) return;
  if (s->nspinning.load(std::memory_order_seq_cst) != 0) return;
  int expected = 0;
  if (!s->nspinning.compare_exchange_strong(expected, 1, std::memory_order_seq_cst)) return;
  Worker* victim = nullptr;
  bool victim_polls = false;
  {
    std::lock_guard<std::mutex> g(s->idle_mu);
    // Prefer a worker parked on its futex; the epoll waiter keeps watching I/O and timers.
    for (std::size_t i = s->idle.size(); i-- > 0;) {
      if (!s->idle[i]->polling || victim == nullptr) {
        victim = s->idle[i];
        if (!victim->polling) break;
      }
    }
    if (victim) {
      s->idle.erase(std::find(s->idle.begin(), s->idle.end(), victim));
      victim->in_idle = false;
      victim_polls = victim->polling;
      s->nidle.fetch_sub(1, std::memory_order_seq_cst);
      // The token is set under the lock: the victim clears it only when it registers as
      // idle again (also under the lock), so a late token can never leak into that period.
      victim->wake_word.store(1, std::memory_order_release);
    }
  }
  if (!victim) {
    s->nspinning.fetch_sub(1, std::memory_order_seq_cst);
    return;
  }
  // The victim sees it was taken off the idle list and counts itself as spinning.
  if (victim_polls) {
    netpoll_interrupt();
  } else {
    futex_wake(&victim->wake_word, 1);
  }
}

// Every worker idle, nothing queued, no timer, no I/O wait: no coroutine can run again
// unless a thread that is not a worker (invisible to us) wakes one.
bool quiescent_locked(Scheduler* s) {
  return s->nidle.load(std::memory_order_seq_cst) == s->nworkers &&
         s->global_size.load(std::memory_order_seq_cst) == 0 &&
         s->ntimers.load(std::memory_order_seq_cst) == 0 && netpoll_waiters() == 0;
}

// How long run() lets the scheduler stay quiescent, with no wake-up from outside, before it
// reports a deadlock (CYN_DEADLOCK_TIMEOUT seconds; 0 or less turns detection off).
std::int64_t deadlock_interval_ns() {
  static const std::int64_t ns = [] {
    double seconds = 0.1;
    if (const char* env = std::getenv("CYN_DEADLOCK_TIMEOUT")) seconds = std::atof(env);
    return seconds > 0 ? static_cast<std::int64_t>(seconds * 1e9) : std::int64_t{0};
  }();
  return ns;
}

// ---------------------------------------------------------------------------------------------
// Context switches

// Worker stack -> fiber.
inline ctx::transfer_t enter_fiber(Fiber* f, void* data) {
#ifdef CYN_TSAN
  __tsan_switch_to_fiber(f->tsan_fiber, 0);
#endif
#ifdef CYN_ASAN
  void* fake = nullptr;
  __sanitizer_start_switch_fiber(&fake, f->stack_low, f->stack_size);
#endif
  ctx::transfer_t r = ctx::jump_fcontext(f->context, data);
#ifdef CYN_ASAN
  __sanitizer_finish_switch_fiber(fake, nullptr, nullptr);
#endif
  // Fibers only ever jump back to their worker, so r.fctx is where `f` stopped.
  f->context = r.fctx;
  return r;
}

// Fiber -> its worker's stack; returns when some worker resumes this fiber.
inline ctx::transfer_t leave_fiber(Worker* w, Fiber* f, void* data) {
#ifdef CYN_TSAN
  __tsan_switch_to_fiber(w->tsan_sched_fiber, 0);
#endif
#ifdef CYN_ASAN
  __sanitizer_start_switch_fiber(&f->asan_fake_stack, w->asan_stack_bottom, w->asan_stack_size);
#endif
  ctx::transfer_t r = ctx::jump_fcontext(w->sched_context, data);
  Worker* now = this_worker();
  now->sched_context = r.fctx;
#ifdef CYN_ASAN
  __sanitizer_finish_switch_fiber(f->asan_fake_stack, &now->asan_stack_bottom,
                                  &now->asan_stack_size);
#endif
  return r;
}

void report_escaped_cpp_exception() noexcept {
  try {
    throw;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cyn: uncaught C++ exception in a coroutine: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "cyn: uncaught C++ exception in a coroutine\n");
  }
}

// Runs one task's body to completion and disposes of the task.
void run_task_body(Task* t) {
  *cyn_error_hint_slot() = 0;
  RunState* rs = t->run_state;
  try {
    t->invoke(t);
  } catch (...) {
    if (rs) {
      rs->error = std::current_exception();
    } else {
      report_escaped_cpp_exception();
    }
  }
  if (cyn_error_hint()) {
    // A Python exception escaped the body: run()'s root hands it to run()'s caller (see
    // run_root), a spawned coroutine's is reported like an exception in a Python thread.
    if (rs) {
      rs->python_error = cyn_capture_error();
    } else {
      cyn_report_uncaught_error("coroutine");
    }
  }
  t->destroy(t);  // drops the argument references before anyone learns the task ended
  if (rs) {
    std::uint32_t expected = RunState::kRunning;
    if (rs->state.compare_exchange_strong(expected, RunState::kDone,
                                          std::memory_order_acq_rel)) {
      futex_wake(&rs->state, 1);
    } else {
      // Nobody waits for this root any more (run() was interrupted, or gave it up as
      // deadlocked): report what escaped it as a spawned coroutine's would be.
      if (rs->python_error) {
        cyn_restore_error(std::exchange(rs->python_error, nullptr));
        cyn_report_uncaught_error("coroutine");
      }
      if (std::exception_ptr error = std::exchange(rs->error, nullptr)) {
        try {
          std::rethrow_exception(error);
        } catch (...) {
          report_escaped_cpp_exception();
        }
      }
    }
    rs->unref();
  }
}

// Every fiber runs this loop forever: run a task; if it finished without suspending, the
// stack is free again, so run the next fresh task right here (no switch) or go back to the
// worker and wait to be handed another.
void fiber_main(ctx::transfer_t tr) {
  Worker* w = this_worker();
  w->sched_context = tr.fctx;
#ifdef CYN_ASAN
  __sanitizer_finish_switch_fiber(nullptr, &w->asan_stack_bottom, &w->asan_stack_size);
#endif
  Fiber* self = w->current_fiber;
  Task* t = static_cast<Task*>(tr.data);
  for (;;) {
    run_task_body(t);
    w = this_worker();
    // Chain: a fresh task at the top of our deque can start on this very stack.
    if ((++w->tick % 61) != 0 && w->runnext.load(std::memory_order_relaxed) == nullptr) {
      Task* n = w->deque.pop();
      if (n) {
        if (!n->fiber) {
          n->fiber = self;
          w->current = n;
          w->sched_tick.fetch_add(1, std::memory_order_relaxed);
          t = n;
          continue;
        }
        w->chained = n;
      }
    }
    tr = leave_fiber(w, self, kTaskDone);
    w = this_worker();
    t = static_cast<Task*>(tr.data);
  }
}

// Runs (starts or resumes) `t` on this worker until it finishes or suspends.
void execute(Worker* w, Task* t) {
  while (t) {
    Fiber* f = t->fiber;
    if (!f) {
      if (w->spare) {
        f = w->spare;
        w->spare = nullptr;
      } else {
        try {
          f = fiber_get(&fiber_main);
        } catch (const std::bad_alloc&) {
          std::fprintf(stderr,
                       "cyn: cannot map a coroutine stack: too many coroutines suspended at once "
                       "(each takes 2 of vm.max_map_count's mappings)\n");
          std::abort();
        }
      }
      t->fiber = f;
    }
    w->current = t;
    w->current_fiber = f;
    w->sched_tick.fetch_add(1, std::memory_order_relaxed);
    ctx::transfer_t r = enter_fiber(f, t);
    w->current = nullptr;
    w->current_fiber = nullptr;
    t = nullptr;
    if (r.data == kTaskDone) {
      if (!w->spare) {
        w->spare = f;
      } else {
        fiber_put(f);
      }
      t = w->chained;
      w->chained = nullptr;
    } else {
      // Suspended: the fiber is parked in its context; now publish it.
      auto fn = w->after_fn;
      w->after_fn = nullptr;
      fn(w->after_arg);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Finding work

Task* steal_work(Scheduler* s, Worker* w) {
  const int n = s->nworkers;
  for (int round = 0; round < 4; ++round) {
    int start = static_cast<int>(w->next_random() % n);
    for (int i = 0; i < n; ++i) {
      Worker* v = s->workers[(start + i) % n];
      if (v == w) continue;
      if (Task* t = v->deque.steal()) return t;
      if (round == 3 && v->runnext.load(std::memory_order_relaxed)) {
        // The victim is about to run its run-next task itself (a woken partner); take it only
        // if the victim seems stuck in one long task.
        std::uint32_t tick = v->sched_tick.load(std::memory_order_relaxed);
        for (int k = 0; k < 64; ++k) cpu_relax();
        if (v->sched_tick.load(std::memory_order_relaxed) == tick) {
          if (Task* t = v->runnext.exchange(nullptr, std::memory_order_acq_rel)) return t;
        }
      }
    }
  }
  return nullptr;
}

Task* found(Scheduler* s, Worker* w, Task* t) {
  if (w->spinning) {
    w->spinning = false;
    if (s->nspinning.fetch_sub(1, std::memory_order_seq_cst) == 1 && work_visible(s)) wakep(s);
  }
  return t;
}

void unidle(Scheduler* s, Worker* w) {
  std::lock_guard<std::mutex> g(s->idle_mu);
  if (w->polling) {
    w->polling = false;
    s->poller_active = false;
  }
  if (w->in_idle) {
    s->idle.erase(std::find(s->idle.begin(), s->idle.end(), w));
    w->in_idle = false;
    s->nidle.fetch_sub(1, std::memory_order_seq_cst);
  } else {
    w->spinning = true;  // a waker took us off the list and counted us as spinning
  }
}

Task* find_work(Scheduler* s, Worker* w) {
  for (;;) {
    ++w->tick;
    maybe_fire_timers(s);
    if (w->tick % 61 == 0) {
      // Fairness: the global queue and the netpoller get a look even when we are busy.
      if (Task* t = global_pop(s, w, false)) return found(s, w, t);
      if (netpoll_waiters() > 0) netpoll_poll(0);
    }
    if (Task* t = w->runnext.exchange(nullptr, std::memory_order_acq_rel)) return found(s, w, t);
    if (Task* t = w->deque.pop()) return found(s, w, t);
    if (Task* t = global_pop(s, w, true)) return found(s, w, t);
    if (netpoll_waiters() > 0 && netpoll_poll(0) > 0) continue;

    if (s->nworkers > 1) {
      if (!w->spinning) {
        int busy = s->nworkers - s->nidle.load(std::memory_order_relaxed);
        if (2 * s->nspinning.load(std::memory_order_relaxed) < busy) {
          w->spinning = true;
          s->nspinning.fetch_add(1, std::memory_order_seq_cst);
        }
      }
      if (w->spinning) {
        if (Task* t = steal_work(s, w)) return found(s, w, t);
      }
    }

    // Nothing to do: stop spinning, then look once more (a producer that saw a spinner
    // relied on it), then go idle.
    if (w->spinning) {
      w->spinning = false;
      s->nspinning.fetch_sub(1, std::memory_order_seq_cst);
      if (work_visible(s)) continue;
    }
    bool poll = false;
    {
      std::lock_guard<std::mutex> g(s->idle_mu);
      if (s->global_size.load(std::memory_order_seq_cst) > 0) continue;
      w->wake_word.store(0, std::memory_order_relaxed);
      w->in_idle = true;
      s->idle.push_back(w);
      s->nidle.fetch_add(1, std::memory_order_seq_cst);
      bool need_poll = s->ntimers.load(std::memory_order_seq_cst) > 0 || netpoll_waiters() > 0;
      if (need_poll && !s->poller_active) {
        s->poller_active = true;
        w->polling = true;
        poll = true;
      }
    }
    // Pairs with submit()/ready(): they push, then look at nidle; we counted ourselves idle,
    // now we look at the queues.
    if (work_visible(s) || w->runnext.load(std::memory_order_seq_cst)) {
      unidle(s, w);
      continue;
    }
    if (poll) {
      s->poller_blocked.store(true, std::memory_order_seq_cst);
      std::int64_t deadline = s->next_deadline.load(std::memory_order_seq_cst);
      std::int64_t timeout = -1;
      if (deadline != INT64_MAX) timeout = std::max<std::int64_t>(0, deadline - now_ns());
      netpoll_poll(timeout);
      s->poller_blocked.store(false, std::memory_order_seq_cst);
      unidle(s, w);
      // Someone must keep watching timers and I/O while we run what we found.
      if ((s->ntimers.load() > 0 || netpoll_waiters() > 0) && !w->spinning) wakep(s);
      continue;
    }
    while (w->wake_word.load(std::memory_order_acquire) == 0) futex_wait(&w->wake_word, 0);
    w->spinning = true;  // the waker counted us in nspinning
  }
}

void block_async_signals(sigset_t* old) {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGUSR1, SIGUSR2, SIGALRM, SIGCHLD,
                  SIGWINCH, SIGTSTP, SIGTTIN, SIGTTOU, SIGPROF, SIGVTALRM}) {
    sigaddset(&set, sig);
  }
  pthread_sigmask(SIG_BLOCK, &set, old);
}

// ---------------------------------------------------------------------------------------------
// Coroutine stack overflow: a clear message instead of a bare "Segmentation fault"
//
// A coroutine stack is small (64 KiB by default) and has a PROT_NONE guard page below it, so
// deep recursion faults there. The fault itself cannot be recovered from (the coroutine's
// frames are gone), but the user should learn what happened and which knob to turn. A
// SIGSEGV handler, running on a per-worker alternate signal stack (the faulting stack is
// full), checks whether the faulting worker's stack pointer has left its coroutine's usable
// stack, writes a one-line diagnosis if so, and then hands the fault to whatever handler was
// installed before (Python's faulthandler, the default core dump...), so the process dies
// exactly as it did before, only explained. Sanitizer builds keep their own reports.

#if !defined(CYN_ASAN) && !defined(CYN_TSAN)
#define CYN_STACK_OVERFLOW_HANDLER 1
#endif

#ifdef CYN_STACK_OVERFLOW_HANDLER
struct sigaction g_previous_segv_action;

// async-signal-safe formatting of the message.
void write_overflow_message(std::size_t stack_size) noexcept {
  char buf[256];
  std::size_t n = 0;
  auto put = [&](const char* text) {
    while (*text && n < sizeof buf) buf[n++] = *text++;
  };
  put("cyn: coroutine stack overflow (deep recursion or large local arrays in a coroutine; its "
      "stack has ");
  char digits[24];
  int k = 0;
  do {
    digits[k++] = static_cast<char>('0' + stack_size % 10);
    stack_size /= 10;
  } while (stack_size && k < 24);
  while (k > 0 && n < sizeof buf) buf[n++] = digits[--k];
  put(" bytes: raise CYN_STACK_SIZE)\n");
  ssize_t ignored = ::write(2, buf, n);
  (void)ignored;
}

std::uintptr_t faulting_stack_pointer(void* ucontext) noexcept {
  auto* uc = static_cast<ucontext_t*>(ucontext);
#if defined(__x86_64__)
  return static_cast<std::uintptr_t>(uc->uc_mcontext.gregs[REG_RSP]);
#elif defined(__aarch64__)
  return static_cast<std::uintptr_t>(uc->uc_mcontext.sp);
#else
  (void)uc;
  return 0;
#endif
}

void on_segv(int sig, siginfo_t* info, void* ucontext) {
  Worker* w = tls_worker;
  Fiber* f = w ? w->current_fiber : nullptr;
  if (f != nullptr) {
    const auto low = reinterpret_cast<std::uintptr_t>(f->stack_low);
    const auto fault = reinterpret_cast<std::uintptr_t>(info->si_addr);
    const std::uintptr_t sp = faulting_stack_pointer(ucontext);
    // The stack pointer went below the usable area, or the access hit the guard page.
    const bool sp_below = sp != 0 && sp < low && low - sp < (std::uintptr_t{1} << 30);
    const bool in_guard = fault >= reinterpret_cast<std::uintptr_t>(f->map_base) && fault < low;
    if (sp_below || in_guard) write_overflow_message(f->stack_size);
  }
  // Chain: the handler that was there before ours decides what the fault means.
  const struct sigaction& prev = g_previous_segv_action;
  if (prev.sa_flags & SA_SIGINFO) {
    if (prev.sa_sigaction != nullptr) {
      prev.sa_sigaction(sig, info, ucontext);
      return;
    }
  } else if (prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN) {
    prev.sa_handler(sig);
    return;
  }
  // Default action: put it back and return; the faulting instruction faults again and the
  // process dies with SIGSEGV as it would have without us.
  sigaction(SIGSEGV, &prev, nullptr);
}

void install_overflow_handler() {
  struct sigaction action = {};
  action.sa_sigaction = &on_segv;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  sigaction(SIGSEGV, &action, &g_previous_segv_action);
}

// Each worker needs an alternate signal stack: the overflowed one has no room for a handler.
void give_thread_a_signal_stack() {
  const std::size_t size = 64 * 1024;
  void* mem = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) return;  // no diagnosis on this worker; the fault still kills
  stack_t ss = {};
  ss.ss_sp = mem;
  ss.ss_size = size;
  sigaltstack(&ss, nullptr);
}
#endif

void worker_main(Worker* w) {
  tls_worker = w;
#ifdef CYN_STACK_OVERFLOW_HANDLER
  give_thread_a_signal_stack();
#endif
  cyn_run_thread_start_hook();
#ifdef CYN_TSAN
  w->tsan_sched_fiber = __tsan_get_current_fiber();
#endif
  for (;;) {
    Task* t = find_work(w->sched, w);
    execute(w, t);
  }
  // Workers live as long as the process (cyn_run_thread_exit_hook() would run here).
}

int default_threads() {
  if (int n = g_configured_threads.load()) return n;
  if (const char* env = std::getenv("CYN_THREADS")) {
    int n = std::atoi(env);
    if (n > 0) return std::min(n, 1024);
  }
  unsigned hc = std::thread::hardware_concurrency();
  return hc ? static_cast<int>(hc) : 1;
}

void start_scheduler() {
  auto* s = new Scheduler();  // never destroyed: workers run until the process exits
  s->nworkers = default_threads();
  for (int i = 0; i < s->nworkers; ++i) {
    auto* w = new Worker();
    w->id = i;
    w->sched = s;
    w->rng = 0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(i + 1);
    s->workers.push_back(w);
  }
  s->idle.reserve(s->nworkers);
  g_started.store(true);
  g_sched.store(s, std::memory_order_release);
#ifdef CYN_STACK_OVERFLOW_HANDLER
  install_overflow_handler();
#endif
  sigset_t old;
  block_async_signals(&old);
  for (Worker* w : s->workers) std::thread(worker_main, w).detach();
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

// fork() copies only the calling thread: in the child, the parent's workers are gone, their
// queues and the locks they may have held are meaningless, and the epoll set is the
// parent's. Forget all of it (the old records are leaked, not touched) so that the child's
// first spawn/run starts a fresh scheduler, as it does in a new process. Coroutines of the
// parent do not exist in the child (as threads do not).
void forget_scheduler_in_child() noexcept {
  new (&g_start_mu) std::mutex();
  g_sched.store(nullptr, std::memory_order_relaxed);
  g_started.store(false, std::memory_order_relaxed);
  tls_worker = nullptr;  // fork() called from a coroutine: this thread is no worker here
  netpoll_after_fork_in_child();
  stacks_after_fork_in_child();
}

inline Scheduler* sched() {
  Scheduler* s = g_sched.load(std::memory_order_acquire);
  if (__builtin_expect(s != nullptr, 1)) return s;
  std::lock_guard<std::mutex> start(g_start_mu);
  if (g_sched.load(std::memory_order_acquire) == nullptr) {
    static const bool fork_handler_set =
        (pthread_atfork(nullptr, nullptr, &forget_scheduler_in_child), true);
    (void)fork_handler_set;
    start_scheduler();
  }
  return g_sched.load(std::memory_order_acquire);
}

void yield_after(void* arg) {
  Task* t = static_cast<Task*>(arg);
  Worker* w = this_worker();
  Scheduler* s = w->sched;
  if (++w->yields % 61 == 0) {
    global_push(s, t);  // lets everything queued anywhere get a turn eventually
    return;
  }
  if (w->runnext.load(std::memory_order_relaxed)) {
    w->deque.push(t);  // the run-next task goes first, then us
    return;
  }
  if (Task* other = w->deque.pop()) {
    w->deque.push(t);
    w->deque.push(other);  // `other` next, then us
    return;
  }
  if (s->global_size.load(std::memory_order_relaxed) > 0) {
    global_push(s, t);
    return;
  }
  w->deque.push(t);  // nothing else here; a thief may take us
}

void timer_wake_task(Timer* t) { ready(static_cast<Task*>(t->arg)); }
void add_timer_after(void* arg) { timer_add(static_cast<Timer*>(arg)); }

}  // namespace

// ---------------------------------------------------------------------------------------------
// The GIL (see release_gil_if_held in scheduler.hpp)

std::atomic<cyn_gil_release_hook> g_gil_release{nullptr};
std::atomic<cyn_gil_reacquire_hook> g_gil_reacquire{nullptr};

std::atomic<cyn_signal_check_hook> g_signal_check{nullptr};
constexpr std::int64_t kSignalCheckNs = 100'000'000;  // run() looks at Python's signals 10x/s

// Inlined into every blocking path of this file (it runs at each coroutine switch).
inline bool release_gil_fast(void** saved) noexcept {
  cyn_gil_release_hook release = g_gil_release.load(std::memory_order_acquire);
  if (release == nullptr) return false;
  *saved = release();
  return *saved != nullptr;
}

// ---------------------------------------------------------------------------------------------
// Public low-level interface

bool release_gil_if_held(void** saved) noexcept { return release_gil_fast(saved); }

void reacquire_gil(void* saved) noexcept {
  if (cyn_gil_reacquire_hook reacquire = g_gil_reacquire.load(std::memory_order_acquire)) {
    reacquire(saved);
  }
}

std::int64_t now_ns() noexcept {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

void submit(Task* t) {
  Scheduler* s = sched();
  Worker* w = this_worker();
  if (w) {
    w->deque.push(t);
  } else {
    global_push(s, t);
  }
  wakep(s);
}

void ready(Task* t) {
  Scheduler* s = sched();
  Worker* w = this_worker();
  if (w) {
    Task* old = w->runnext.exchange(t, std::memory_order_acq_rel);
    if (old) w->deque.push(old);
  } else {
    global_push(s, t);
  }
  wakep(s);
}

Task* current_task() noexcept {
  Worker* w = this_worker();
  return w ? w->current : nullptr;
}

void suspend(void (*after)(void*), void* arg) {
  Worker* w = this_worker();
  Task* t = w->current;
  Fiber* f = t->fiber;
  t->error_hint = *cyn_error_hint_slot();
  // Suspending inside a destructor (a __dealloc__ that blocks): the floor and the
  // pending destructions belong to this stack, not to the thread (cyn/object.hpp).
  const DestroyState destroying = take_destroy_state();
  w->after_fn = after;
  w->after_arg = arg;
  leave_fiber(w, f, kTaskSuspended);
  *cyn_error_hint_slot() = t->error_hint;
  put_destroy_state(destroying);
}

void run_root(Task* t) {
  Scheduler* s = sched();
  auto* rs = new RunState();
  t->run_state = rs;
  // Queue the task before we count as waiting: until it is queued, idle workers would see
  // a waiting run() and nothing runnable, and call it a deadlock.
  global_push(s, t);
  wakep(s);
  // Called with the GIL held (run() without `with nogil:`): release it while waiting, or
  // every coroutine that needs it (`with gil:`, raising an exception) would wait forever.
  void* gil = nullptr;
  const bool released = release_gil_fast(&gil);
  // Deadlock watch (this thread is idle anyway): quiescent at two checks in a row with no
  // wake-up from outside in between means no coroutine can ever run again. Two checks
  // rather than one, so a plain thread that is about to send, done() etc. gets its chance.
  const std::int64_t interval = deadlock_interval_ns();
  // Python signals (Ctrl-C) are checked at every wake-up, as Thread.join() does: a handler
  // that raises (KeyboardInterrupt) ends the wait, and the root runs on without a waiter.
  cyn_signal_check_hook check_signals = g_signal_check.load(std::memory_order_acquire);
  std::int64_t wake_every = interval;
  if (check_signals && (wake_every <= 0 || wake_every > kSignalCheckNs)) {
    wake_every = kSignalCheckNs;
  }
  bool suspect = false;
  std::uint64_t pushes_seen = 0;
  while (rs->state.load(std::memory_order_acquire) == RunState::kRunning) {
    if (wake_every <= 0) {
      futex_wait(&rs->state, RunState::kRunning);
      continue;
    }
    futex_wait_for(&rs->state, RunState::kRunning, wake_every);
    if (rs->state.load(std::memory_order_acquire) != RunState::kRunning) break;
    if (check_signals && check_signals() != 0) {
      std::uint32_t expected = RunState::kRunning;
      rs->state.compare_exchange_strong(expected, RunState::kInterrupted,
                                        std::memory_order_acq_rel);
      break;  // interrupted, or done in the meantime (then the exception waits for Python)
    }
    if (interval <= 0) continue;
    std::lock_guard<std::mutex> g(s->idle_mu);
    bool quiet = quiescent_locked(s);
    std::uint64_t pushes = s->global_pushes.load(std::memory_order_relaxed);
    if (quiet && suspect && pushes == pushes_seen) {
      std::uint32_t expected = RunState::kRunning;
      rs->state.compare_exchange_strong(expected, RunState::kDeadlock, std::memory_order_acq_rel);
      break;
    }
    suspect = quiet;
    pushes_seen = pushes;
  }
  if (released) reacquire_gil(gil);
  std::uint32_t state = rs->state.load(std::memory_order_acquire);
  if (state == RunState::kInterrupted || state == RunState::kDeadlock) {
    // The root may still end (and write its error fields, which it then reports itself).
    rs->unref();
    if (state == RunState::kDeadlock) throw DeadlockError();
    throw PythonErrorPending();  // KeyboardInterrupt, set by check_signals()
  }
  // Take the exception out: the task may drop the last reference to `rs` on its thread, and
  // the exception object must die here, where it is rethrown.
  std::exception_ptr error = std::move(rs->error);
  void* python_error = rs->python_error;
  rs->unref();
  if (python_error != nullptr) {
    // Raised again on this thread; Cython's `except +` lets a pending Python exception pass.
    cyn_restore_error(python_error);
    throw PythonErrorPending();
  }
  if (error) std::rethrow_exception(error);
}

void timer_add(Timer* t) {
  Scheduler* s = sched();
  bool earliest;
  {
    std::lock_guard<std::mutex> g(s->timer_mu);
    t->index = s->heap.size();
    s->heap.push_back(t);
    heap_up(s->heap, t->index);
    s->ntimers.fetch_add(1, std::memory_order_seq_cst);
    earliest = s->heap[0] == t;
    if (earliest) s->next_deadline.store(t->when, std::memory_order_seq_cst);
  }
  if (earliest) {
    if (s->poller_blocked.load(std::memory_order_seq_cst)) {
      netpoll_interrupt();
    } else if (s->nidle.load(std::memory_order_seq_cst) > 0) {
      wakep(s);  // an idle worker will take the epoll role and watch this deadline
    }
  }
}

void ensure_poller() {
  Scheduler* s = sched();
  if (!s->poller_blocked.load(std::memory_order_seq_cst) &&
      s->nidle.load(std::memory_order_seq_cst) > 0) {
    wakep(s);
  }
}

bool timer_cancel(Timer* t) noexcept {
  Scheduler* s = sched();
  std::lock_guard<std::mutex> g(s->timer_mu);
  if (t->index == static_cast<std::size_t>(-1)) return false;
  heap_remove(s->heap, t->index);
  s->ntimers.fetch_sub(1, std::memory_order_seq_cst);
  s->next_deadline.store(s->heap.empty() ? INT64_MAX : s->heap[0]->when,
                         std::memory_order_seq_cst);
  return true;
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Public API

bool configure(int threads, std::size_t stack_size) {
  if (detail::g_started.load()) return false;
  if (threads > 0) detail::g_configured_threads.store(threads);
  if (stack_size > 0) detail::set_default_stack_size(stack_size);
  return true;
}

int num_workers() { return detail::sched()->nworkers; }

bool in_coroutine() noexcept {
  detail::Worker* w = detail::this_worker();
  return w && w->current;
}

bool wait_idle(double timeout_s) {
  detail::Scheduler* s = detail::sched();
  std::int64_t deadline = detail::now_ns() + static_cast<std::int64_t>(timeout_s * 1e9);
  for (;;) {
    if (s->nidle.load() == s->nworkers && s->global_size.load() == 0) return true;
    if (detail::now_ns() > deadline) return false;
    usleep(200);
  }
}

void yield_() {
  detail::Worker* w = detail::this_worker();
  void* gil = nullptr;
  if (detail::release_gil_fast(&gil)) {  // a thread, or a coroutine pinned by the GIL
    sched_yield();
    detail::reacquire_gil(gil);
    return;
  }
  if (!w || !w->current) {
    sched_yield();
    return;
  }
  detail::suspend(&detail::yield_after, w->current);
}

namespace {
// Longest sleep we represent: ~146 years of nanoseconds, so that now + duration cannot
// overflow int64. Longer (or infinite) sleeps are capped to it: in practice, forever.
constexpr double kMaxSleepSeconds = 4.6e9;
}  // namespace

void sleep(double seconds) {
  detail::Worker* w = detail::this_worker();
  // NaN and non-positive durations only yield; huge ones would overflow the conversions.
  if (!(seconds > 0)) seconds = 0;
  if (seconds > kMaxSleepSeconds) seconds = kMaxSleepSeconds;
  void* gil = nullptr;
  const bool released = detail::release_gil_fast(&gil);
  if (!w || !w->current || released) {  // a thread, or a coroutine pinned by the GIL
    if (seconds > 0) {
      timespec ts;
      ts.tv_sec = static_cast<time_t>(seconds);
      ts.tv_nsec = static_cast<long>((seconds - static_cast<double>(ts.tv_sec)) * 1e9);
      while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
      }
    } else if (released) {
      sched_yield();
    }
    if (released) detail::reacquire_gil(gil);
    return;
  }
  if (seconds <= 0) {
    yield_();
    return;
  }
  detail::Timer timer;
  timer.when = detail::now_ns() + static_cast<std::int64_t>(seconds * 1e9);
  timer.fire = &detail::timer_wake_task;
  timer.arg = w->current;
  detail::suspend(&detail::add_timer_after, &timer);
}

// ---------------------------------------------------------------------------------------------
// Parker

void Parker::park() {
  void* gil = nullptr;
  const bool released = detail::release_gil_fast(&gil);
  if (task_ && !released) {
    detail::suspend(&Parker::after_suspend, this);
    return;
  }
  // A plain thread, or a coroutine pinned to its thread by the GIL; either way the GIL (if
  // held) is released while the thread blocks. unpark() sees kParkedThread and wakes the
  // futex, not the task.
  std::uint32_t expected = kRunning;
  if (state_.compare_exchange_strong(expected, kParkedThread, std::memory_order_acq_rel)) {
    while (state_.load(std::memory_order_acquire) == kParkedThread) {
      detail::futex_wait(&state_, kParkedThread);
    }
  }
  if (released) detail::reacquire_gil(gil);
}

void Parker::after_suspend(void* p) {
  auto* self = static_cast<Parker*>(p);
  detail::Task* t = self->task_;
  std::uint32_t expected = kRunning;
  if (!self->state_.compare_exchange_strong(expected, kParked, std::memory_order_acq_rel)) {
    detail::ready(t);  // unpark() came first: run again at once
  }
}

void Parker::unpark() noexcept {
  detail::Task* t = task_;
  std::uint32_t old = state_.exchange(kWoken, std::memory_order_acq_rel);
  if (old == kParked) {
    detail::ready(t);  // a suspended coroutine
  } else if (old == kParkedThread) {
    detail::futex_wake(&state_, 1);
  }
}

}  // namespace cyn

extern "C" void cyn_set_gil_hooks(cyn_gil_release_hook release_if_held,
                                  cyn_gil_reacquire_hook reacquire) {
  cyn::detail::g_gil_reacquire.store(reacquire, std::memory_order_release);
  cyn::detail::g_gil_release.store(release_if_held, std::memory_order_release);
}

extern "C" void cyn_set_signal_check_hook(cyn_signal_check_hook check) {
  cyn::detail::g_signal_check.store(check, std::memory_order_release);
}
