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
#include <exception>

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

// Moving a pending exception between threads: run()'s root coroutine may finish on a worker
// thread with a Python exception pending there; run()'s caller re-raises it on its own thread.
// capture() takes the GIL, fetches and clears the pending exception and returns it (NULL if
// none); restore() takes the GIL and makes it the pending exception again. Installed by the
// Python side (cyn/python.hpp).
typedef void* (*cyn_error_capture)(void);
typedef void (*cyn_error_restore)(void* exception);
void cyn_set_error_transfer(cyn_error_capture capture, cyn_error_restore restore);
// Fetches the calling thread's pending exception (when the hint is set) and clears the hint;
// NULL when there is none or no transfer hooks are installed.
void* cyn_capture_error(void);
// Re-raises a captured exception on the calling thread and sets its hint.
void cyn_restore_error(void* exception);

// Hooks run at the start and end of every runtime-owned thread (scheduler workers, poller):
// the Python side uses them to give each thread a permanent PyThreadState, so exceptions set
// there survive until they are reported.
typedef void (*cyn_thread_hook)(void);
void cyn_set_thread_hooks(cyn_thread_hook on_start, cyn_thread_hook on_exit);
void cyn_run_thread_start_hook(void);
void cyn_run_thread_exit_hook(void);
}

namespace cyn {
// Thrown by the runtime after cyn_restore_error() re-raised a Python exception on the calling
// thread: Cython's `except +` translation sees the pending Python exception and lets it pass
// through unchanged, so the caller of run() gets the coroutine's own exception.
class PythonErrorPending : public std::exception {
 public:
  const char* what() const noexcept override { return "a Python exception is pending"; }
};
}  // namespace cyn
