// cyn/task.hpp — a coroutine before and while it runs: a small heap object.
//
// A task is the function to call plus copies of its arguments (cyn::Ref arguments hold a
// reference, so the objects live as long as the task). It owns no stack until it first
// suspends: a worker runs a fresh task on its spare stack, and only a task that suspends
// keeps that stack (see scheduler.hpp). So a coroutine that never blocks costs one
// allocation of a few dozen bytes.
//
//   auto* t = cyn::detail::make_fn_task(&worker, 42, channel_ref);
//   cyn::detail::submit(t);   // the scheduler runs and then destroys it
#pragma once

#include <cstddef>
#include <new>
#include <tuple>
#include <type_traits>
#include <utility>

#include "cyn/alloc.hpp"
#include "cyn/object.hpp"

namespace cyn::detail {

struct Fiber;
struct RunState;

struct Task {
  Task* next = nullptr;          // link in the global queue (owned by whoever queues it)
  Fiber* fiber = nullptr;        // null until the task first runs; kept once it suspends
  void (*invoke)(Task*) = nullptr;   // runs the body
  void (*destroy)(Task*) = nullptr;  // destroys the captured arguments and frees the task
  RunState* run_state = nullptr;     // set for the root task of cyn::run()
  int error_hint = 0;                // the coroutine's copy of the per-thread error hint
};

// A task calling `fn` with copies of arguments stored as the parameter types (decayed), so a
// Ref<Derived> passed for a Ref<Base> parameter is converted once, at spawn.
template <class R, class... P>
struct FnTask final : Task {
  using Fn = R (*)(P...);
  Fn fn;
  std::tuple<std::decay_t<P>...> args;

  template <class... A>
  FnTask(Fn f, A&&... a) : fn(f), args(std::forward<A>(a)...) {
    invoke = &FnTask::invoke_impl;
    destroy = &FnTask::destroy_impl;
  }
  static void invoke_impl(Task* t) {
    auto* self = static_cast<FnTask*>(t);
    std::apply([self](auto&... a) { (void)self->fn(a...); }, self->args);
  }
  static void destroy_impl(Task* t) {
    auto* self = static_cast<FnTask*>(t);
    self->~FnTask();
    free_bytes(self);
  }
};

// A task calling obj->run() on a nogil object it keeps alive.
template <class T>
struct ObjectTask final : Task {
  Ref<T> obj;
  explicit ObjectTask(const Ref<T>& o) : obj(o) {
    invoke = &ObjectTask::invoke_impl;
    destroy = &ObjectTask::destroy_impl;
  }
  static void invoke_impl(Task* t) { (void)static_cast<ObjectTask*>(t)->obj->run(); }
  static void destroy_impl(Task* t) {
    auto* self = static_cast<ObjectTask*>(t);
    self->~ObjectTask();
    free_bytes(self);
  }
};

template <class R, class... P, class... A>
Task* make_fn_task(R (*fn)(P...), A&&... args) {
  static_assert(sizeof...(P) <= 6, "a coroutine takes at most 6 arguments");
  static_assert(sizeof...(P) == sizeof...(A), "wrong number of arguments for the coroutine");
  using Impl = FnTask<R, P...>;
  void* mem = alloc_bytes(sizeof(Impl));
  try {
    return new (mem) Impl(fn, std::forward<A>(args)...);
  } catch (...) {
    free_bytes(mem);
    throw;
  }
}

template <class T>
Task* make_object_task(const Ref<T>& obj) {
  using Impl = ObjectTask<T>;
  void* mem = alloc_bytes(sizeof(Impl));
  return new (mem) Impl(obj);
}

}  // namespace cyn::detail
