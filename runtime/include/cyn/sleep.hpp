// cyn/sleep.hpp — suspending a coroutine for a while.
//
// Timers live in one heap shared by all workers; idle workers wait in epoll with the
// nearest deadline as timeout (nanosecond precision through epoll_pwait2), busy workers
// check the heap's head at every scheduling point. Sleepers wake in deadline order.
//
//   cyn::sleep(0.010);   // this coroutine sleeps 10 ms; the worker runs others meanwhile
#pragma once

namespace cyn {

// Suspends the calling coroutine for `seconds` (nanosleep() outside coroutines). A
// non-positive or NaN duration just yields; durations beyond ~146 years (inf included) are
// capped there, i.e. sleep forever.
void sleep(double seconds);

}  // namespace cyn
