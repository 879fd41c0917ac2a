// Allocation and live-object accounting for nogil objects (see cyn/alloc.hpp).
#include "cyn/alloc.hpp"

#include <mimalloc.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <new>
#include <vector>

namespace cyn {
namespace {

// One counter per thread; a thread that exits folds its count into `retired`.
struct ThreadCounter;

struct CounterRegistry {
  std::mutex lock;
  std::vector<ThreadCounter*> live;
  std::int64_t retired = 0;
};

CounterRegistry& registry() {
  static CounterRegistry* r = new CounterRegistry();  // never destroyed: threads may exit late
  return *r;
}

struct ThreadCounter {
  std::atomic<std::int64_t> count{0};
  ThreadCounter() {
    auto& r = registry();
    std::lock_guard<std::mutex> g(r.lock);
    r.live.push_back(this);
  }
  ~ThreadCounter() {
    auto& r = registry();
    std::lock_guard<std::mutex> g(r.lock);
    r.retired += count.load(std::memory_order_relaxed);
    std::erase(r.live, this);
  }
};

thread_local ThreadCounter tls_counter;

// Only the owning thread writes its counter; a relaxed load+store avoids a locked RMW.
inline void bump(std::int64_t delta) noexcept {
  auto& c = tls_counter.count;
  c.store(c.load(std::memory_order_relaxed) + delta, std::memory_order_relaxed);
}

}  // namespace

void* alloc_object(std::size_t size) {
  void* p = mi_malloc_aligned(size, 16);
  if (!p) throw std::bad_alloc();
  bump(1);
  return p;
}

void free_object(void* p) noexcept {
  if (!p) return;
  mi_free(p);
  bump(-1);
}

std::int64_t live_objects() noexcept {
  auto& r = registry();
  std::lock_guard<std::mutex> g(r.lock);
  std::int64_t total = r.retired;
  for (auto* c : r.live) total += c->count.load(std::memory_order_relaxed);
  return total;
}

void* alloc_bytes(std::size_t size) {
  void* p = mi_malloc(size);
  if (!p && size) throw std::bad_alloc();
  return p;
}

void free_bytes(void* p) noexcept { mi_free(p); }

}  // namespace cyn

extern "C" std::int64_t cyn_live_objects(void) { return cyn::live_objects(); }
