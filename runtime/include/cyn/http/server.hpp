// cyn/http/server.hpp — the HTTP/1.1 server: routes, limits, serve until SIGINT/SIGTERM.
//
// lwan's shape on cyn's runtime: per-core worker threads (the coroutine scheduler's), one
// SO_REUSEPORT listening socket and accept-loop coroutine per worker, and one coroutine per
// connection running serve_connection() (connection.hpp). Handlers are plain functions —
// nogil Cython functions compile to exactly Handler — and run on the worker threads
// without the GIL.
//
//   int hello(cyn::Ref<Request> req, cyn::Ref<Response> resp) {
//     resp->set_body("Hello, World!", "text/plain");
//     return 200;
//   }
//   auto server = cyn::make<cyn::http::Server>();
//   server->route("/", hello);
//   server->serve("127.0.0.1", 8080, 0);   // 0 threads: one per core; returns 0 after SIGINT/SIGTERM
//
// In Cython (stdlib/cyn/http.pxd): `s = Server(); s.route(b"/", hello); s.serve(b"127.0.0.1", 8080, 0)`.
//
// Stopping (a signal, or stop() from any thread): the listening sockets close, idle
// keep-alive connections are closed, connections in the middle of a request finish it
// (their response says Connection: close), then serve() returns 0. While serve() runs it
// owns the process's SIGINT/SIGTERM handlers (and ignores SIGPIPE); it restores the
// previous ones before returning, so a Python caller gets its own handlers back.
//
// Invariants: routes and limits are set before serve() and read-only during it; one
// serve() at a time per process (the signal handlers are process-wide).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>

#include "cyn/http/connection.hpp"
#include "cyn/http/limits.hpp"
#include "cyn/http/request.hpp"
#include "cyn/http/response.hpp"
#include "cyn/http/router.hpp"
#include "cyn/object.hpp"

namespace cyn::http {

class Server : public Object {
 public:
  Server();
  ~Server() override;

  // Routes paths under `prefix` (see router.hpp) to `handler`. Returns false for a prefix
  // not starting with '/', a null handler, or while serving.
  bool route(const char* prefix, Handler handler);

  // Limits (limits.hpp has the defaults). Zero or negative values are ignored (signed, so
  // that a negative count from C code is not taken as a huge one, i.e. no limit at all).
  // Timeouts above 10^9 seconds (31 years) count as 10^9 seconds.
  void set_max_header_bytes(long long n);
  void set_max_uri_bytes(long long n);
  void set_max_body_bytes(long long n);
  void set_max_header_fields(long long n);
  void set_max_connections(long long n);
  void set_header_timeout(double seconds);
  void set_idle_timeout(double seconds);
  void set_body_timeout(double seconds);
  const Limits& limits() const noexcept { return limits_; }

  // Listens on host:port (port 0: any free port, see port()) and serves until SIGINT,
  // SIGTERM or stop(), then drains and returns 0. threads: scheduler workers (0: one per
  // core; only honoured when the scheduler has not started yet). Throws std::runtime_error
  // when it cannot listen, or when this process already serves.
  int serve(const char* host, int port, int threads);

  // Asks serve() to stop; callable from any thread, before or during serve().
  void stop() noexcept;

  // The bound port once serve() listens (0 before).
  int port() const noexcept { return bound_port_.load(std::memory_order_acquire); }
  // Requests answered by this server so far.
  std::uint64_t requests_served() const noexcept { return served_.load(std::memory_order_relaxed); }
  // Connections open right now.
  std::size_t open_connections() const noexcept { return live_.load(std::memory_order_relaxed); }

 private:
  static void serve_main(Server* self);
  static void accept_loop(Server* self, int listen_fd);
  static void connection_main(Server* self, int fd);
  static void reject_main(Server* self, int fd);
  void begin_stop();

  Router router_;
  Limits limits_;
  ConnectionConfig config_{};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> serving_{false};
  std::atomic<int> bound_port_{0};
  std::atomic<std::size_t> live_{0};
  std::atomic<int> accept_loops_{0};
  std::atomic<std::uint64_t> served_{0};
  int wake_read_ = -1;   // self-pipe: signal handler / stop() → serve_main
  std::atomic<int> wake_write_{-1};
  int listen_fds_[256];
  int listen_count_ = 0;
  // Connections (for the stop wake-up), linked through ConnectionControl::prev/next.
  std::mutex registry_mu_;
  ConnectionControl* registry_ = nullptr;
};

}  // namespace cyn::http
