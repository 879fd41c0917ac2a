// Deferred destruction of nogil objects (see "Destroying deep structures" in cyn/object.hpp):
// the per-thread destruction state, the drain loop, and the scheduler's save/restore hooks.
#include "cyn/object.hpp"

#include <cassert>

#include "runtime_internal.hpp"

extern "C" {
__thread cyn::detail::DestroyState cyn_destroy_state __attribute__((tls_model("initial-exec"))) = {0, nullptr};
}

// Opaque (no caller can keep the address across a call that may switch threads): tests, the
// scheduler's hooks, and the accessors on targets without their asm.
extern "C" __attribute__((noinline)) cyn::detail::DestroyState* cyn_destroy_state_slot(void) noexcept {
  cyn::detail::DestroyState* s = &cyn_destroy_state;
  asm volatile("" : "+r"(s) : : "memory");
  return s;
}

namespace cyn {

// The accessors of cyn/object.hpp locate the state afresh at each access (a destructor may
// suspend the coroutine and resume it on another thread).
void Object::destroy_near_floor() const noexcept {
  if (detail::stack_position() < detail::destroy_floor()) {
    // Link through the count word: this object is dead, no one can read or change it.
    refcount_.store(reinterpret_cast<std::uintptr_t>(detail::destroy_pending_head()),
                    std::memory_order_relaxed);
    detail::set_destroy_pending_head(this);
    return;
  }
  const Object* mark = detail::destroy_pending_head();
  delete this;
  if (detail::destroy_pending_head() != mark) destroy_pending(mark);
}

void Object::destroy_pending(const Object* mark) noexcept {
  for (;;) {
    const Object* o = detail::destroy_pending_head();
    if (o == mark) return;
    detail::set_destroy_pending_head(reinterpret_cast<const Object*>(
        static_cast<std::uintptr_t>(o->refcount_.load(std::memory_order_relaxed))));
    o->refcount_.store(0, std::memory_order_relaxed);  // a count again, not a link
    delete o;  // may queue more above `mark` (its fields); the loop takes them next
  }
}

namespace detail {

DestroyState take_destroy_state() noexcept {
  DestroyState* s = current_destroy_state();
  DestroyState saved = *s;
  *s = DestroyState{0, nullptr};
  return saved;
}

void put_destroy_state(DestroyState saved) noexcept {
  DestroyState* s = current_destroy_state();
  // A coroutine resumes from its worker's own stack, where no destruction is in progress.
  assert(s->floor == 0 && s->pending == nullptr);
  *s = saved;
}

}  // namespace detail
}  // namespace cyn
