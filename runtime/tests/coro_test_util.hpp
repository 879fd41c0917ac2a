// Helpers shared by the coroutine runtime's tests.
#pragma once

#include <cstdint>

#include "cyn/alloc.hpp"
#include "cyn/scheduler.hpp"

// Sanitizer builds run 10-50x slower: stress counts shrink by this factor there.
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define CYN_TEST_SLOW 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define CYN_TEST_SLOW 1
#endif
#endif
#ifdef CYN_TEST_SLOW
constexpr long kScale = 20;
#else
constexpr long kScale = 1;
#endif

// Objects freed by a task are freed just after the task signals completion; wait until every
// worker is idle before comparing live_objects().
inline std::int64_t settled_live_objects() {
  cyn::wait_idle(10.0);
  return cyn::live_objects();
}
