// cyn/error.hpp — how a Python exception raised in nogil code is noticed without the GIL.
//
// Stock Cython asks PyErr_Occurred() (which needs the GIL) after calling a function that
// returned its error value, or after every call of a void function. Nogil code compiled by
// cyn instead tests a per-thread *error hint*: the raise path of a function sets it (it
// already holds the GIL to build the exception), so the success path reads one word and
// takes no GIL. The hint may be stale (set while no exception is pending): whoever tests it
// confirms with PyErr_Occurred() under the GIL and clears it if nothing is pending.
//
//   if (unlikely(cyn_error_hint()) && __Pyx_ErrOccurredWithGIL()) goto error;
//
// The scheduler saves and restores the hint when it switches coroutines, so a hint follows
// its coroutine across threads.
//
// Exceptions nobody can catch (one escaping a spawned coroutine) go to the error reporter,
// which the Python side installs (it prints the traceback with the GIL held).
#pragma once

#include <cstdint>

extern "C" {
// The calling thread's hint word. Plain `__thread` with the initial-exec model, so the test
// on the success path is one TLS load, inlined into the generated code (no call).
extern __thread int cyn_error_hint_word __attribute__((tls_model("initial-exec")));
inline int cyn_error_hint(void) { return cyn_error_hint_word; }
inline void cyn_set_error_hint(void) { cyn_error_hint_word = 1; }
inline void cyn_clear_error_hint(void) { cyn_error_hint_word = 0; }
// Address of the calling thread's hint word (stable for the thread's lifetime).
int* cyn_error_hint_slot(void);

// Called with a short description of where the exception escaped ("coroutine", ...). It
// must take the GIL, print and clear the pending Python exception, and clear the hint.
typedef void (*cyn_error_reporter)(const char* where);
void cyn_set_error_reporter(cyn_error_reporter reporter);
// Reports a pending exception through the installed reporter (or a plain stderr line when
// none is installed) and clears the hint.
void cyn_report_uncaught_error(const char* where);

// Hooks run at the start and end of every runtime-owned thread (scheduler workers, poller):
// the Python side uses them to give each thread a permanent PyThreadState, so exceptions set
// there survive until they are reported.
typedef void (*cyn_thread_hook)(void);
void cyn_set_thread_hooks(cyn_thread_hook on_start, cyn_thread_hook on_exit);
void cyn_run_thread_start_hook(void);
void cyn_run_thread_exit_hook(void);
}
