// Coroutine stacks: mmap + guard page, pooled LIFO per thread then globally (cyn/stack.hpp).
#include "cyn/stack.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <new>

#include "runtime_internal.hpp"
#include "sanitizer_fiber.hpp"

namespace cyn::detail {
namespace {

std::size_t page_size() {
  static const std::size_t size = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return size;
}

std::size_t initial_stack_size() {
  if (const char* env = std::getenv("CYN_STACK_SIZE")) {
    long v = std::strtol(env, nullptr, 10);
    if (v >= 16 * 1024) return static_cast<std::size_t>(v);
  }
  return 64 * 1024;
}

std::atomic<std::size_t> g_stack_size{initial_stack_size()};
std::atomic<long> g_mapped{0};

// Per-thread cache (workers only touch it from their own stack, never from a coroutine that
// could migrate), then a global pool; both LIFO so a reused stack is still warm in cache.
constexpr int kThreadCacheMax = 16;
constexpr int kGlobalPoolMax = 256;

struct ThreadCache {
  Fiber* head = nullptr;
  int count = 0;
  ~ThreadCache() {
    while (head) {
      Fiber* f = head;
      head = f->next_free;
      fiber_put_global(f);
    }
  }
  static void fiber_put_global(Fiber* f) noexcept;
};
thread_local ThreadCache tls_cache;

std::mutex g_pool_mu;
Fiber* g_pool = nullptr;
int g_pool_count = 0;

void ThreadCache::fiber_put_global(Fiber* f) noexcept {
  {
    std::lock_guard<std::mutex> g(g_pool_mu);
    if (g_pool_count < kGlobalPoolMax && f->stack_size == g_stack_size.load()) {
      f->next_free = g_pool;
      g_pool = f;
      ++g_pool_count;
      return;
    }
  }
  fiber_destroy(f);
}

}  // namespace

std::size_t default_stack_size() noexcept { return g_stack_size.load(std::memory_order_relaxed); }
void set_default_stack_size(std::size_t bytes) noexcept {
  std::size_t page = page_size();
  g_stack_size.store((bytes + page - 1) / page * page);
}

Fiber* fiber_create(std::size_t usable, void (*entry)(ctx::transfer_t)) {
  const std::size_t page = page_size();
  usable = (usable + page - 1) / page * page;
  const std::size_t total = usable + page;  // guard page below the stack
  void* base = mmap(nullptr, total, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (base == MAP_FAILED) throw std::bad_alloc();
  if (mprotect(base, page, PROT_NONE) != 0) {
    // Usually vm.max_map_count: too many suspended coroutines at once.
    munmap(base, total);
    throw std::bad_alloc();
  }
  char* low = static_cast<char*>(base) + page;
  // The Fiber record lives at the top of its own stack.
  char* top = low + usable;
  Fiber* f = reinterpret_cast<Fiber*>(top - ((sizeof(Fiber) + 63) & ~std::size_t(63)));
  new (f) Fiber();
  f->map_base = base;
  f->map_size = total;
  f->stack_low = low;
  f->stack_size = static_cast<std::size_t>(reinterpret_cast<char*>(f) - low);
  g_mapped.fetch_add(1, std::memory_order_relaxed);
  f->context = ctx::make_fcontext(reinterpret_cast<char*>(f), f->stack_size, entry);
#ifdef CYN_TSAN
  f->tsan_fiber = __tsan_create_fiber(0);
#endif
#ifdef CYN_ASAN
  __lsan_register_root_region(f->stack_low, f->stack_size);
#endif
  return f;
}

void fiber_destroy(Fiber* f) noexcept {
#ifdef CYN_TSAN
  if (f->tsan_fiber) __tsan_destroy_fiber(f->tsan_fiber);
#endif
  void* base = f->map_base;
  std::size_t size = f->map_size;
#ifdef CYN_ASAN
  __lsan_unregister_root_region(f->stack_low, f->stack_size);
  __asan_unpoison_memory_region(static_cast<char*>(base) + page_size(), size - page_size());
#endif
  f->~Fiber();
  munmap(base, size);
  g_mapped.fetch_sub(1, std::memory_order_relaxed);
}

// In a forked child: a parent worker may have held the pool lock at the fork; the pooled
// stacks themselves were copied and stay usable.
void stacks_after_fork_in_child() noexcept { new (&g_pool_mu) std::mutex(); }

long mapped_fibers() noexcept { return g_mapped.load(std::memory_order_relaxed); }

Fiber* fiber_get(void (*entry)(ctx::transfer_t)) {
  ThreadCache& c = tls_cache;
  if (c.head) {
    Fiber* f = c.head;
    c.head = f->next_free;
    --c.count;
    return f;
  }
  {
    std::lock_guard<std::mutex> g(g_pool_mu);
    if (g_pool) {
      Fiber* f = g_pool;
      g_pool = f->next_free;
      --g_pool_count;
      return f;
    }
  }
  return fiber_create(default_stack_size(), entry);
}

void fiber_put(Fiber* f) noexcept {
  ThreadCache& c = tls_cache;
  if (c.count < kThreadCacheMax) {
    f->next_free = c.head;
    c.head = f;
    ++c.count;
    return;
  }
  ThreadCache::fiber_put_global(f);
}

}  // namespace cyn::detail
