// Sanitizer hooks for context switches (internal to libcyn).
//
// ThreadSanitizer and AddressSanitizer must be told about every stack switch, or they see
// one thread's stack jump around and report nonsense. These wrappers compile to nothing in
// normal builds.
#pragma once

#include <cstddef>

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CYN_TSAN 1
#endif
#if __has_feature(address_sanitizer)
#define CYN_ASAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define CYN_TSAN 1
#endif
#if defined(__SANITIZE_ADDRESS__)
#define CYN_ASAN 1
#endif

#ifdef CYN_TSAN
extern "C" {
void* __tsan_get_current_fiber(void);
void* __tsan_create_fiber(unsigned flags);
void __tsan_destroy_fiber(void* fiber);
void __tsan_switch_to_fiber(void* fiber, unsigned flags);
}
#endif
#ifdef CYN_ASAN
extern "C" {
void __sanitizer_start_switch_fiber(void** fake_stack_save, const void* bottom, std::size_t size);
void __sanitizer_finish_switch_fiber(void* fake_stack_save, const void** bottom_old,
                                     std::size_t* size_old);
void __asan_unpoison_memory_region(void const volatile* addr, std::size_t size);
// LeakSanitizer scans thread stacks, not our mmap'd fiber stacks: objects referenced only
// from a suspended coroutine would look leaked. Fiber stacks are registered as roots.
void __lsan_register_root_region(const void* p, std::size_t size);
void __lsan_unregister_root_region(const void* p, std::size_t size);
}
#endif
