// cyn/scheduler.hpp — the M:N work-stealing scheduler under every coroutine.
//
// One worker thread per core (CYN_THREADS, default: hardware concurrency), started lazily by
// the first spawn/run. Each worker owns a Chase-Lev deque (deque.hpp) plus a one-task
// "run next" slot for the task it just woke, so a woken partner (channel ping-pong) runs on
// the same core at once instead of migrating. Spawns from threads that are not workers go
// to a global queue. A worker with nothing to do steals, then parks; the last ones to park
// also wait in epoll for the netpoller and the timers (Go's design: no extra poller
// thread, so an I/O wake-up lands directly on the worker that will run the coroutine).
//
// Coroutines are stackful. A fresh task runs on the worker's spare stack; when it returns
// without suspending, the stack stays spare for the next task (no allocation, two context
// switches). Only a task that suspends keeps its stack, and the worker takes another from
// its pool. Stacks are mmap'd with a guard page below them (stack.hpp).
//
// This header is the scheduler's low-level interface, used by the primitives (parker,
// channel, netpoll...). User code uses coro.hpp.
//
//   cyn::detail::suspend(&push_somewhere, task);   // switch out; then run the action
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>

namespace cyn {

// Thrown out of cyn::run() when every coroutine is blocked forever (Go's fatal error): the
// waiting thread checks every 100 ms (CYN_DEADLOCK_TIMEOUT) and reports it once the
// scheduler was idle, with nothing to wait for, at two checks in a row.
class DeadlockError : public std::runtime_error {
 public:
  DeadlockError()
      : std::runtime_error("all coroutines are asleep - deadlock!") {}
};

// Sets the number of workers and the usable stack size before the scheduler starts
// (0 keeps the default). Returns false when the scheduler already runs.
bool configure(int threads, std::size_t stack_size = 0);
// Number of workers (starts the scheduler).
int num_workers();
// True inside a coroutine (then blocking primitives suspend instead of blocking the thread).
bool in_coroutine() noexcept;
// Waits until every worker is idle (all queues empty), at most `timeout_s` seconds; returns
// whether that happened. For tests: after it, no task is running or being destroyed.
bool wait_idle(double timeout_s);

namespace detail {

struct Task;

// Monotonic clock in nanoseconds.
std::int64_t now_ns() noexcept;
// Queues a new task (local deque on a worker, global queue elsewhere); starts the scheduler.
void submit(Task* t);
// Makes a suspended task runnable again (it goes to this worker's run-next slot).
void ready(Task* t);
// The running task, or nullptr outside coroutines.
Task* current_task() noexcept;
// Switches away from the current coroutine. Once it is off its stack, the worker calls
// after(arg) (on the worker's own stack): that is where the coroutine gets published to
// whoever will wake it, so nobody can resume it before it is fully switched out.
void suspend(void (*after)(void*), void* arg);
// Runs `t` as the root of cyn::run(): blocks this (non-worker) thread until it returns.
// Rethrows a C++ exception that escaped it; throws DeadlockError on deadlock.
void run_root(Task* t);

// Every blocking call (run(), channel, lock, wait group, sleep, yield, I/O) releases the GIL
// while it waits if the calling thread holds it, as Python's own blocking calls do: otherwise
// a coroutine that needs the GIL (`with gil:`, raising an exception) could never run.
// A coroutine that blocks while holding the GIL (inside Cython's `with gil:`) must not move
// to another worker thread either: the GIL and Python's per-thread state belong to this
// thread. It blocks its worker thread instead (the other workers keep running the other
// coroutines) and takes the GIL back on this same thread.
bool release_gil_if_held(void** saved) noexcept;  // true and *saved set if it was held
void reacquire_gil(void* saved) noexcept;

}  // namespace detail
}  // namespace cyn

extern "C" {
// Installed by the Python glue (cyn/python.hpp): release_if_held() releases the GIL if this
// thread holds it and returns what reacquire() needs to take it back, else returns NULL.
// Without hooks (C++ programs) coroutines never hold a GIL.
typedef void* (*cyn_gil_release_hook)(void);
typedef void (*cyn_gil_reacquire_hook)(void*);
void cyn_set_gil_hooks(cyn_gil_release_hook release_if_held, cyn_gil_reacquire_hook reacquire);
// Installed by the Python glue: when SIGINT arrived, runs Python's pending signal handlers
// (takes the GIL) and returns non-zero when one raised (KeyboardInterrupt), leaving that
// exception set on the calling thread. run() calls it while it waits; when it fires, run() stops waiting and
// throws cyn::PythonErrorPending, while its coroutine runs on (as a thread does after an
// interrupted join()).
typedef int (*cyn_signal_check_hook)(void);
void cyn_set_signal_check_hook(cyn_signal_check_hook check);
}
