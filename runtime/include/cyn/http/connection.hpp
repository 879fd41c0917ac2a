// cyn/http/connection.hpp — the loop that serves one client connection.
//
// One coroutine per connection runs serve_connection(): read into a buffer, parse every
// complete request in it, run each handler in order, batch the responses into one write,
// repeat. Pipelined requests are therefore answered in order with one write per batch;
// keep-alive connections wait idle_timeout for the next request; a request head must
// arrive within header_timeout of its first byte (slowloris), else 408. Any protocol
// error gets its status code and the connection is closed. Nothing here blocks a thread:
// the I/O goes through a ConnectionIo, which the server points at the coroutine netpoller
// (cyn::net) and unit tests at plain blocking sockets.
//
//   cyn::http::ConnectionConfig config{&limits, &router, &stopping};
//   cyn::http::serve_connection(fd, config, netpoll_io, &control);   // returns at close
//   cyn::net::close(fd);                                              // the caller closes
//
// Invariants: responses leave in request order; a Request/Response pair is made once per
// connection and reused; the read buffer never grows past what Limits allow.
#pragma once

#include <sys/uio.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "cyn/http/limits.hpp"
#include "cyn/http/router.hpp"

namespace cyn::http {

// Blocking-style I/O with a timeout (< 0: none) that returns -errno on failure, -ETIMEDOUT
// on timeout: exactly the signatures of cyn::net.
struct ConnectionIo {
  long (*read)(int fd, void* buf, std::size_t n, std::int64_t timeout_ns);
  long (*write_all)(int fd, const void* buf, std::size_t n, std::int64_t timeout_ns);
  long (*writev_all)(int fd, const struct iovec* iov, int iovcnt, std::int64_t timeout_ns);
};

// Read-only while serving; shared by all connections of a server.
struct ConnectionConfig {
  const Limits* limits;
  const Router* router;
  // Set when the server stops: connections finish the requests they have and close.
  const std::atomic<bool>* stopping;
};

// Lets a stopping server wake connections that sit idle between requests. The server keeps
// these in a list; a connection is kIdle only while it waits for the first byte of a request.
// The stopper moves kIdle → kClosing and shuts the socket's read side (the idle read then
// returns EOF); a connection moves kIdle → kBusy when bytes arrive. Whoever wins the
// compare-exchange decides: a connection that finds kClosing closes without serving.
struct ConnectionControl {
  enum Phase : int { kBusy = 0, kIdle = 1, kClosing = 2 };
  std::atomic<int> phase{kBusy};
  int fd = -1;
  ConnectionControl* prev = nullptr;  // the server's registry links (under its lock)
  ConnectionControl* next = nullptr;
};

// Serves `fd` until the client closes, a timeout or error ends it, or the server stops.
// Does not close `fd`. `control` may be nullptr (no stop wake-up). Returns the number of
// requests answered (error responses not counted).
std::uint64_t serve_connection(int fd, const ConnectionConfig& config, const ConnectionIo& io,
                               ConnectionControl* control);

}  // namespace cyn::http
