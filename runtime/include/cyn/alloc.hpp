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
//
// The fast path is inline (a mimalloc call and one thread-local increment) because object
// creation is the hot path of nogil code; the thread's counter slot is registered on first use.
#pragma once

#include <mimalloc.h>

#include <cstddef>
#include <cstdlib>
#include <cstdint>
#include <new>

namespace cyn {
// A thread's cache of freed small object blocks, one LIFO list per 16-byte size class (up to
// 256 bytes). Blocks are mimalloc blocks: one freed on another thread than the one that made
// it simply joins this thread's list, and the cache hands its blocks back to mimalloc when the
// thread exits. Invariant: count[c] is the length of head[c]'s list, at most kLimit.
struct ThreadCache {
  static constexpr std::size_t kClasses = 16;
  static constexpr std::uint32_t kLimit = 256;
  struct Block {
    Block* next;
  };
  Block* head[kClasses + 1] = {};
  std::uint32_t count[kClasses + 1] = {};
};
}  // namespace cyn

extern "C" {
// The calling thread's block cache, null until the thread's first sized free.
extern __thread cyn::ThreadCache* cyn_thread_cache __attribute__((tls_model("initial-exec")));
cyn::ThreadCache* cyn_register_thread_cache(void);

// The calling thread's live-object counter, null until the thread's first allocation.
// Plain `__thread` with the initial-exec model: one TLS load, no C++ TLS wrapper call.
extern __thread std::int64_t* cyn_live_counter __attribute__((tls_model("initial-exec")));
// Registers the calling thread's counter (slow path of the first allocation on a thread).
std::int64_t* cyn_register_live_counter(void);
// Number of live objects over all threads (exact when no thread allocates meanwhile).
std::int64_t cyn_live_objects(void);
}

// Sanitizers cannot see inside mimalloc (it is not instrumented): TSan would report its reuse
// of a block freed on another thread as a race and ASan would miss heap errors. Sanitizer
// builds (CYN_SANITIZE) therefore use the C heap, which they intercept.
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define CYN_HEAP_IS_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define CYN_HEAP_IS_MALLOC 1
#endif
#endif
#ifdef CYN_HEAP_IS_MALLOC
#define CYN_HEAP_MALLOC(n) std::malloc(n)
#define CYN_HEAP_FREE(p) std::free(p)
#else
#define CYN_HEAP_MALLOC(n) mi_malloc(n)
#define CYN_HEAP_FREE(p) mi_free(p)
#endif

namespace cyn {

namespace detail {
inline void count_live(std::int64_t delta) noexcept {
  std::int64_t* counter = cyn_live_counter;
  if (__builtin_expect(counter == nullptr, 0)) counter = cyn_register_live_counter();
  // Only the owning thread writes its slot; readers tolerate a torn-free 64-bit load.
  __atomic_store_n(counter, __atomic_load_n(counter, __ATOMIC_RELAXED) + delta, __ATOMIC_RELAXED);
}
}  // namespace detail

// Allocates `size` bytes for a nogil object (16-byte aligned: mimalloc's MI_MAX_ALIGN_SIZE)
// and counts one live object. Throws std::bad_alloc when memory is exhausted.
inline void* alloc_object(std::size_t size) {
#ifndef CYN_HEAP_IS_MALLOC
  // Small objects first come from the thread's cache of recently freed blocks: a pop from a
  // thread-local list instead of a call into the allocator.
  std::size_t size_class = (size + 15) >> 4;
  ThreadCache* cache = cyn_thread_cache;
  if (size_class <= ThreadCache::kClasses && cache != nullptr && cache->head[size_class] != nullptr) {
    ThreadCache::Block* block = cache->head[size_class];
    cache->head[size_class] = block->next;
    --cache->count[size_class];
    detail::count_live(1);
    return block;
  }
#endif
  void* p = CYN_HEAP_MALLOC(size);
  if (__builtin_expect(p == nullptr, 0)) throw std::bad_alloc();
  detail::count_live(1);
  return p;
}

// Frees memory from alloc_object() on any thread and counts one object fewer.
inline void free_object(void* p) noexcept {
  if (p == nullptr) return;
  CYN_HEAP_FREE(p);
  detail::count_live(-1);
}

// The same, knowing the size the object was allocated with (C++ sized delete): small blocks
// go to the calling thread's cache, up to ThreadCache::kLimit per size class.
inline void free_object_sized(void* p, std::size_t size) noexcept {
#ifndef CYN_HEAP_IS_MALLOC
  std::size_t size_class = (size + 15) >> 4;
  if (size_class <= ThreadCache::kClasses && p != nullptr) {
    ThreadCache* cache = cyn_thread_cache;
    if (__builtin_expect(cache == nullptr, 0)) cache = cyn_register_thread_cache();
    if (cache->count[size_class] < ThreadCache::kLimit) {
      auto* block = static_cast<ThreadCache::Block*>(p);
      block->next = cache->head[size_class];
      cache->head[size_class] = block;
      ++cache->count[size_class];
      detail::count_live(-1);
      return;
    }
  }
#endif
  free_object(p);
}

inline std::int64_t live_objects() noexcept { return cyn_live_objects(); }

// Plain memory from the runtime heap (not counted): buffers, containers, bookkeeping.
inline void* alloc_bytes(std::size_t size) {
  void* p = CYN_HEAP_MALLOC(size);
  if (__builtin_expect(p == nullptr && size != 0, 0)) throw std::bad_alloc();
  return p;
}
inline void free_bytes(void* p) noexcept { CYN_HEAP_FREE(p); }

}  // namespace cyn
