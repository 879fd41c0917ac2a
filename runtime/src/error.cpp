// Per-thread error hint, uncaught-error reporting and runtime thread hooks (cyn/error.hpp).
#include "cyn/error.hpp"

#include <atomic>
#include <cstdio>

extern "C" {
__thread int cyn_error_hint_word __attribute__((tls_model("initial-exec"))) = 0;
}

namespace {
std::atomic<cyn_error_reporter> g_reporter{nullptr};
std::atomic<cyn_thread_hook> g_on_start{nullptr};
std::atomic<cyn_thread_hook> g_on_exit{nullptr};
std::atomic<cyn_error_capture> g_capture{nullptr};
std::atomic<cyn_error_restore> g_restore{nullptr};
}  // namespace

extern "C" {

int* cyn_error_hint_slot(void) { return &cyn_error_hint_word; }

void cyn_set_error_reporter(cyn_error_reporter reporter) { g_reporter.store(reporter); }

void cyn_report_uncaught_error(const char* where) {
  if (auto r = g_reporter.load()) {
    r(where);
  } else {
    std::fprintf(stderr, "cyn: an exception escaped a %s and was not reported (no reporter)\n",
                 where ? where : "nogil task");
  }
  cyn_error_hint_word = 0;
}

void cyn_set_error_transfer(cyn_error_capture capture, cyn_error_restore restore) {
  g_capture.store(capture);
  g_restore.store(restore);
}

void* cyn_capture_error(void) {
  if (!cyn_error_hint_word) return nullptr;
  auto capture = g_capture.load();
  void* exception = capture ? capture() : nullptr;
  cyn_error_hint_word = 0;
  return exception;
}

void cyn_restore_error(void* exception) {
  if (exception == nullptr) return;
  if (auto restore = g_restore.load()) {
    restore(exception);
    cyn_error_hint_word = 1;
  }
}

void cyn_set_thread_hooks(cyn_thread_hook on_start, cyn_thread_hook on_exit) {
  g_on_start.store(on_start);
  g_on_exit.store(on_exit);
}
void cyn_run_thread_start_hook(void) {
  if (auto h = g_on_start.load()) h();
}
void cyn_run_thread_exit_hook(void) {
  if (auto h = g_on_exit.load()) h();
}

}  // extern "C"
