// cyn/python.hpp — the glue between libcyn and the CPython interpreter of the process.
//
// libcyn itself never links against Python: its threads and coroutines run nogil code only.
// Every extension module that uses the runtime includes this header and calls
// `cyn::python::install_hooks()` from its module init (idempotent), which gives the runtime:
// - thread hooks: each runtime thread (scheduler worker, poller) gets a permanent
//   PyThreadState at start, so an exception raised by nogil code on that thread (which takes
//   the GIL only on its error path) survives until it is reported, and taking the GIL there
//   does not create and destroy a thread state each time;
// - error transfer: a Python exception raised in run()'s root coroutine (on a worker thread)
//   is moved to the thread that called run() and raised there;
// - the uncaught-error reporter: an exception escaping a spawned coroutine is printed the way
//   Python prints an exception in a thread ("Exception ignored in: ..."), never lost silently.
//
//   PyMODINIT_FUNC PyInit_foo(void) { cyn::python::install_hooks(); ... }
#pragma once

#include <Python.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cyn/error.hpp"
#include "cyn/scheduler.hpp"

namespace cyn::python {

namespace detail {

inline PyInterpreterState* interpreter = nullptr;  // set at install time (GIL held)
inline thread_local PyThreadState* runtime_thread_state = nullptr;

// Gives the thread a permanent thread state WITHOUT taking the GIL (a worker may start while
// the importing thread holds it): PyThreadState_New binds it for PyGILState_Ensure with a
// count that keeps PyGILState_Release from ever deleting it.
inline void on_runtime_thread_start() {
  if (interpreter == nullptr || !Py_IsInitialized()) return;
  runtime_thread_state = PyThreadState_New(interpreter);
}

inline void on_runtime_thread_exit() {
  PyThreadState* state = runtime_thread_state;
  runtime_thread_state = nullptr;
  if (state == nullptr || !Py_IsInitialized()) return;
#if PY_VERSION_HEX >= 0x030D0000
  if (Py_IsFinalizing()) return;
#else
  if (_Py_IsFinalizing()) return;
#endif
  PyEval_RestoreThread(state);
  PyThreadState_Clear(state);
  PyThreadState_DeleteCurrent();
}

inline void report_uncaught(const char* where) {
  if (!Py_IsInitialized()) return;
  PyGILState_STATE gil = PyGILState_Ensure();
  if (PyErr_Occurred()) {
    PyObject* context = PyUnicode_FromFormat("a %s (cyn runtime)", where ? where : "nogil task");
    PyErr_WriteUnraisable(context);
    Py_XDECREF(context);
  }
  PyGILState_Release(gil);
}

inline void* capture_error() {
  if (!Py_IsInitialized()) return nullptr;
  PyGILState_STATE gil = PyGILState_Ensure();
  PyObject* exception = nullptr;
  if (PyErr_Occurred()) {
#if PY_VERSION_HEX >= 0x030C0000
    exception = PyErr_GetRaisedException();
#else
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    PyErr_NormalizeException(&type, &value, &traceback);
    if (traceback != nullptr && value != nullptr) PyException_SetTraceback(value, traceback);
    Py_XDECREF(type);
    Py_XDECREF(traceback);
    exception = value;
#endif
  }
  PyGILState_Release(gil);
  return exception;
}

inline void restore_error(void* exception) {
  PyGILState_STATE gil = PyGILState_Ensure();
  PyObject* value = static_cast<PyObject*>(exception);
#if PY_VERSION_HEX >= 0x030C0000
  PyErr_SetRaisedException(value);
#else
  PyObject* type = reinterpret_cast<PyObject*>(Py_TYPE(value));
  Py_INCREF(type);
  PyErr_Restore(type, value, PyException_GetTraceback(value));
#endif
  PyGILState_Release(gil);
}

// The GIL hooks of the scheduler (cyn/scheduler.hpp): a coroutine that blocks inside
// `with gil:` stays on its thread and releases the GIL while it waits.
// Called at every coroutine switch, so the common answer (not held) costs one call: the
// thread state holding the GIL (3.11; this thread's attached one from 3.12) is usually null
// while coroutines run.
inline void* release_gil_if_held() {
#if PY_VERSION_HEX >= 0x030D0000
  PyThreadState* holder = PyThreadState_GetUnchecked();
#else
  PyThreadState* holder = _PyThreadState_UncheckedGet();
#endif
  if (holder == nullptr || holder != PyGILState_GetThisThreadState()) return nullptr;
  return PyEval_SaveThread();
}

inline void reacquire_gil(void* saved) {
  PyEval_RestoreThread(static_cast<PyThreadState*>(saved));
}

// run()'s waiting thread asks this ~10 times a second, so that Ctrl-C interrupts it. Only
// SIGINT is looked at (other signals' handlers run when run() returns, as before): when it
// arrived, it is handed back to Python and the pending handlers run here; if one raises
// (KeyboardInterrupt by default), run() stops waiting and that exception is raised.
// (A caller with its own C handler for SIGINT, like the HTTP server, never trips Python's.)
inline int check_signals() {
  if (!Py_IsInitialized()) return 0;
  PyGILState_STATE gil = PyGILState_Ensure();
  int interrupt = 0;
  if (!PyErr_Occurred() && PyOS_InterruptOccurred()) {  // main thread only; clears the flag
    PyErr_SetInterrupt();                                 // trip it again for the handler
    interrupt = PyErr_CheckSignals() != 0;
  }
  PyGILState_Release(gil);
  return interrupt;
}

}  // namespace detail

// A module using nogil classes of another module is linked against that module's shared
// object; Python must have imported the same file, or the two would each run their own copy
// (two module states, two sets of globals). `marker` is a symbol of the provider as the user
// module was linked against it. Returns -1 with ImportError set when the files differ.
//
//   if (cyn::python::check_provider(module, "shapes", &ns::cyn_module_marker) < 0) goto error;
inline int check_provider(PyObject* module, const char* name, const void* marker) {
  Dl_info info;
  if (dladdr(marker, &info) == 0 || info.dli_fname == nullptr) return 0;
  PyObject* file = PyObject_GetAttrString(module, "__file__");
  if (file == nullptr) {
    PyErr_Clear();
    return 0;
  }
  const char* imported = PyUnicode_Check(file) ? PyUnicode_AsUTF8(file) : nullptr;
  if (imported == nullptr) {
    PyErr_Clear();
    Py_DECREF(file);
    return 0;
  }
  char linked_real[PATH_MAX], imported_real[PATH_MAX];
  int result = 0;
  if (realpath(info.dli_fname, linked_real) != nullptr &&
      realpath(imported, imported_real) != nullptr && strcmp(linked_real, imported_real) != 0) {
    PyErr_Format(PyExc_ImportError,
                 "this module was linked against %s, but Python imported module '%s' from %s; "
                 "keep the two modules together (the same folder or package) or rebuild them",
                 linked_real, name, imported_real);
    result = -1;
  }
  Py_DECREF(file);
  return result;
}

inline void install_hooks() {
  if (detail::interpreter == nullptr && PyGILState_Check()) detail::interpreter = PyInterpreterState_Get();
  cyn_set_error_transfer(&detail::capture_error, &detail::restore_error);
  cyn_set_thread_hooks(&detail::on_runtime_thread_start, &detail::on_runtime_thread_exit);
  cyn_set_error_reporter(&detail::report_uncaught);
  cyn_set_gil_hooks(&detail::release_gil_if_held, &detail::reacquire_gil);
  cyn_set_signal_check_hook(&detail::check_signals);
}

}  // namespace cyn::python

// Every extension module that includes this header installs the hooks when it is loaded
// (static initialisation runs during import, before the module's init function): no call in
// the generated code is needed, and the first module that uses the runtime wins.
namespace cyn::python::detail {
inline const bool hooks_installed_at_load = (install_hooks(), true);
}  // namespace cyn::python::detail
