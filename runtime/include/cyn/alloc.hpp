// cyn/alloc.hpp — the runtime's allocator for nogil objects.
//
// Every nogil object lives in memory from mimalloc, never from Python's allocator, so
// objects can be created and freed on any thread without the GIL. mimalloc keeps a heap
// per thread; a free from another thread goes to the owner's delayed-free list, so
// cross-thread frees (common with channels) cost no lock.
//
// The allocator also keeps the live-object count that tests use to prove that no object
// leaks. The count is kept per thread (no shared cache line on the hot path) and summed
// on demand; an object freed on another thread than the one that made it makes one
// thread's count negative, the sum stays exact.
//
//   void* p = cyn::alloc_object(sizeof(Foo));   // counted as live
//   cyn::free_object(p);                         // no longer live
//   assert(cyn::live_objects() == 0);
#pragma once

#include <cstddef>
#include <cstdint>

namespace cyn {

// Allocates `size` bytes for a nogil object (16-byte aligned) and counts one live object.
// Throws std::bad_alloc when memory is exhausted.
void* alloc_object(std::size_t size);

// Frees memory from alloc_object() on any thread and counts one object fewer.
void free_object(void* p) noexcept;

// Number of objects allocated with alloc_object() and not yet freed, over all threads.
// Exact when no other thread is allocating or freeing at the same moment.
std::int64_t live_objects() noexcept;

// Plain memory from the runtime heap (not counted): buffers, stacks' bookkeeping, containers.
void* alloc_bytes(std::size_t size);
void free_bytes(void* p) noexcept;

}  // namespace cyn

extern "C" {
// C entry point for code that cannot use C++ names (and for ctypes in tests).
std::int64_t cyn_live_objects(void);
}
