// cyn/lib/memory.hpp — element storage of the nogil containers, on the runtime heap.
//
// Containers keep their elements in raw arrays from cyn::alloc_bytes (mimalloc), never from
// operator new, so storage follows the objects' allocator: any thread may free what another
// allocated, without the GIL. heap_allocator adapts the same heap to std:: containers.
//
//   int* a = cyn::lib::allocate_array<int>(16);   // uninitialised room for 16 ints
//   cyn::lib::free_array(a);
//   std::vector<int, cyn::lib::heap_allocator<int>> v;   // a std::vector on the same heap
//
// Under AddressSanitizer the arrays come from malloc instead, which ASan watches (it cannot
// see overflows inside mimalloc blocks); allocate_array/free_array stay a matched pair.
//
// Invariant: blocks are 16-byte aligned (mimalloc's minimum), so element types may not ask
// for more (checked at compile time).
#pragma once

#include <cstddef>
#include <cstdlib>
#include <limits>
#include <new>

#include "cyn/alloc.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define CYN_LIB_CHECKED_STORAGE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CYN_LIB_CHECKED_STORAGE 1
#endif
#endif

namespace cyn::lib {

// Uninitialised room for `n` objects of type T (nullptr when n is 0).
template <class T>
T* allocate_array(std::size_t n) {
  static_assert(alignof(T) <= 16, "the runtime heap aligns blocks to 16 bytes");
  if (n == 0) return nullptr;
  if (n > std::numeric_limits<std::size_t>::max() / sizeof(T)) throw std::bad_alloc();
#ifdef CYN_LIB_CHECKED_STORAGE
  void* p = std::malloc(n * sizeof(T));
  if (!p) throw std::bad_alloc();
  return static_cast<T*>(p);
#else
  return static_cast<T*>(cyn::alloc_bytes(n * sizeof(T)));
#endif
}

// Frees an array from allocate_array (its elements must already be destroyed).
template <class T>
void free_array(T* p) noexcept {
#ifdef CYN_LIB_CHECKED_STORAGE
  std::free(p);
#else
  if (p) cyn::free_bytes(p);
#endif
}

// A standard allocator over the runtime heap.
template <class T>
struct heap_allocator {
  using value_type = T;
  heap_allocator() noexcept = default;
  template <class U>
  heap_allocator(const heap_allocator<U>&) noexcept {}
  T* allocate(std::size_t n) { return allocate_array<T>(n); }
  void deallocate(T* p, std::size_t) noexcept { free_array(p); }
  template <class U>
  bool operator==(const heap_allocator<U>&) const noexcept { return true; }
};

}  // namespace cyn::lib
