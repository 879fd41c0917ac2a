// cyn/python.hpp — the glue between libcyn and the CPython interpreter of the process.
//
// libcyn itself never links against Python: its threads and coroutines run nogil code only.
// Every extension module that uses the runtime includes this header and calls
// `cyn::python::install_hooks()` from its module init (idempotent), which gives the runtime:
// - thread hooks: each runtime thread (scheduler worker, poller) gets a permanent
//   PyThreadState at start, so an exception raised by nogil code on that thread (which takes
//   the GIL only on its error path) survives until it is reported, and taking the GIL there
//   does not create and destroy a thread state each time;
// - the uncaught-error reporter: an exception escaping a spawned coroutine is printed the way
//   Python prints an exception in a thread ("Exception ignored in: ..."), never lost silently.
//
//   PyMODINIT_FUNC PyInit_foo(void) { cyn::python::install_hooks(); ... }
#pragma once

#include <Python.h>

#include "cyn/error.hpp"

namespace cyn::python {

namespace detail {

inline thread_local PyThreadState* runtime_thread_state = nullptr;
inline thread_local PyGILState_STATE runtime_gil_state{};

inline void on_runtime_thread_start() {
  if (!Py_IsInitialized()) return;
  runtime_gil_state = PyGILState_Ensure();
  runtime_thread_state = PyEval_SaveThread();  // keep the thread state, release the GIL
}

inline void on_runtime_thread_exit() {
  if (runtime_thread_state == nullptr || !Py_IsInitialized()) return;
#if PY_VERSION_HEX >= 0x030D0000
  if (Py_IsFinalizing()) return;
#else
  if (_Py_IsFinalizing()) return;
#endif
  PyEval_RestoreThread(runtime_thread_state);
  PyGILState_Release(runtime_gil_state);
  runtime_thread_state = nullptr;
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

}  // namespace detail

inline void install_hooks() {
  cyn_set_thread_hooks(&detail::on_runtime_thread_start, &detail::on_runtime_thread_exit);
  cyn_set_error_reporter(&detail::report_uncaught);
}

}  // namespace cyn::python
