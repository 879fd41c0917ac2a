// Live-object accounting for nogil objects (see cyn/alloc.hpp): the per-thread counters and
// their registry. Allocation itself is inline in the header (mimalloc).
#include "cyn/alloc.hpp"

#include <algorithm>
#include <mutex>
#include <vector>

extern "C" {
__thread std::int64_t* cyn_live_counter __attribute__((tls_model("initial-exec"))) = nullptr;
__thread cyn::ThreadCache* cyn_thread_cache __attribute__((tls_model("initial-exec"))) = nullptr;
}

namespace {

// Counter slots are never freed: a thread that exits folds its count into `retired` and
// its slot is reused by a later thread, so the registry stays as small as the peak number
// of threads.
struct Registry {
  std::mutex lock;
  std::vector<std::int64_t*> live;
  std::vector<std::int64_t*> spare;
  std::int64_t retired = 0;
};

Registry& registry() {
  static Registry* r = new Registry();  // never destroyed: threads may exit after main()
  return *r;
}

// Owns the calling thread's slot; its destructor runs at thread exit.
struct SlotOwner {
  std::int64_t* slot = nullptr;
  SlotOwner() {
    auto& r = registry();
    std::lock_guard<std::mutex> g(r.lock);
    if (!r.spare.empty()) {
      slot = r.spare.back();
      r.spare.pop_back();
    } else {
      slot = new std::int64_t(0);
    }
    *slot = 0;
    r.live.push_back(slot);
  }
  ~SlotOwner() {
    auto& r = registry();
    std::lock_guard<std::mutex> g(r.lock);
    r.retired += __atomic_load_n(slot, __ATOMIC_RELAXED);
    std::erase(r.live, slot);
    r.spare.push_back(slot);
    cyn_live_counter = nullptr;  // a later free on this thread registers again
  }
};

}  // namespace

namespace {
// Owns the calling thread's block cache; at thread exit its blocks go back to the heap.
struct CacheOwner {
  cyn::ThreadCache cache;
  ~CacheOwner() {
    cyn_thread_cache = nullptr;  // frees below, or later on this thread, bypass the cache
    for (auto*& head : cache.head) {
      while (head != nullptr) {
        auto* next = head->next;
        CYN_HEAP_FREE(head);
        head = next;
      }
    }
  }
};
}  // namespace

extern "C" cyn::ThreadCache* cyn_register_thread_cache(void) {
  static thread_local CacheOwner owner;
  cyn_thread_cache = &owner.cache;
  return cyn_thread_cache;
}

extern "C" std::int64_t* cyn_register_live_counter(void) {
  static thread_local SlotOwner owner;
  cyn_live_counter = owner.slot;
  return owner.slot;
}

extern "C" std::int64_t cyn_live_objects(void) {
  auto& r = registry();
  std::lock_guard<std::mutex> g(r.lock);
  std::int64_t total = r.retired;
  for (auto* slot : r.live) total += __atomic_load_n(slot, __ATOMIC_RELAXED);
  return total;
}
