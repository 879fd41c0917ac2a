// cyn/stack.hpp — coroutine stacks (fibers): mmap'd, guarded, pooled.
//
// A Fiber is a stack plus the saved context of the code running on it. Its memory comes
// from mmap with one PROT_NONE guard page below the usable area, so an overflow faults
// instead of corrupting a neighbour. Stacks are recycled LIFO (the most recently used one is
// still in cache): a per-worker cache, then a small global pool, then munmap.
//
// Note: each guarded stack costs two kernel VMAs, and Linux allows vm.max_map_count (65530
// by default) per process, so about 32k coroutines can be *suspended* at once. Coroutines
// that never suspend need no stack at all (scheduler.hpp).
//
//   Fiber* f = cyn::detail::fiber_create(64 * 1024, &entry);
//   ...
//   cyn::detail::fiber_destroy(f);
#pragma once

#include <boost/context/detail/fcontext.hpp>
#include <cstddef>

namespace cyn::detail {

namespace ctx = boost::context::detail;

struct Fiber {
  ctx::fcontext_t context = nullptr;  // where to jump to resume code on this stack
  void* map_base = nullptr;           // the mmap'd region (guard page first)
  std::size_t map_size = 0;
  char* stack_low = nullptr;          // lowest usable address (just above the guard)
  std::size_t stack_size = 0;         // usable bytes
  Fiber* next_free = nullptr;         // link in a pool
  void* tsan_fiber = nullptr;         // ThreadSanitizer's fiber handle
  void* asan_fake_stack = nullptr;    // AddressSanitizer's saved fake stack
};

// Usable stack size for new fibers (default 64 KiB; CYN_STACK_SIZE or configure()).
std::size_t default_stack_size() noexcept;
void set_default_stack_size(std::size_t bytes) noexcept;

// Maps a new stack and prepares it to start at `entry`. Throws std::bad_alloc.
Fiber* fiber_create(std::size_t usable, void (*entry)(ctx::transfer_t));
void fiber_destroy(Fiber* f) noexcept;

// Number of stacks currently mapped (in use, spare or pooled): tests use it to show that
// coroutines which never suspend need no stack.
long mapped_fibers() noexcept;

// Pools: get a fiber (cached or new) starting at `entry`; put back an idle one.
Fiber* fiber_get(void (*entry)(ctx::transfer_t));
void fiber_put(Fiber* f) noexcept;

}  // namespace cyn::detail
