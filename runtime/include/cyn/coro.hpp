// cyn/coro.hpp — spawning and running coroutines (SPEC §3).
//
// Coroutines are stackful and run M:N on the work-stealing scheduler (scheduler.hpp). A
// coroutine is a plain function and up to 6 arguments, copied into the task (cyn::Ref
// arguments keep their objects alive). spawn() never blocks; run() blocks the calling OS
// thread until its coroutine returns.
//
//   void worker(int i, cyn::Ref<cyn::Channel<int>> out, cyn::Ref<cyn::WaitGroup> wg) {
//     out->send(i * i);
//     wg->done();
//   }
//   void main_() {
//     auto wg = cyn::make<cyn::WaitGroup>();
//     auto ch = cyn::make<cyn::Channel<int>>(100);
//     wg->add(100);
//     for (int i = 0; i < 100; ++i) cyn::spawn(&worker, i, ch, wg);
//     wg->wait();
//   }
//   cyn::run(&main_);   // from a normal thread; throws cyn::DeadlockError on deadlock
//
// A Python exception escaping a spawned coroutine (the error hint is set when it returns)
// goes to cyn_report_uncaught_error("coroutine"); a C++ exception escaping it is printed to
// stderr, except in run()'s root, where it is rethrown to run()'s caller.
#pragma once

#include <stdexcept>
#include <utility>

#include "cyn/object.hpp"
#include "cyn/scheduler.hpp"
#include "cyn/sleep.hpp"
#include "cyn/task.hpp"

namespace cyn {

// Starts fn(args...) as a new coroutine. fn may return void or a value (ignored).
template <class R, class... P, class... A>
void spawn(R (*fn)(P...), A&&... args) {
  detail::submit(detail::make_fn_task(fn, std::forward<A>(args)...));
}

// Starts obj->run() as a new coroutine, holding a reference to obj until it returns.
// A null obj throws std::invalid_argument here, in the spawner, rather than crashing a worker.
template <class T>
void spawn(const Ref<T>& obj) {
  if (!obj) throw std::invalid_argument("spawn(obj): obj is None");
  detail::submit(detail::make_object_task(obj));
}

// Runs fn(args...) as a coroutine and waits for it; starts the scheduler if needed. Inside a
// coroutine it simply calls fn. Throws DeadlockError when every coroutine blocks forever.
template <class R, class... P, class... A>
void run(R (*fn)(P...), A&&... args) {
  if (in_coroutine()) {
    (void)fn(std::forward<A>(args)...);
    return;
  }
  detail::run_root(detail::make_fn_task(fn, std::forward<A>(args)...));
}

// Lets other coroutines run (sched_yield() outside coroutines).
void yield_();

}  // namespace cyn
