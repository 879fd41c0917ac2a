// cyn/http/limits.hpp — the bounds an HTTP server puts on what a client may send.
//
// Every number a client controls is bounded before memory is spent on it: the header
// block, the request target, the body, the number of header fields, the time a client may
// take to send a request head (slowloris), how long an idle keep-alive connection is kept,
// and how many connections are open at once. Exceeding one gets the RFC's answer
// (431, 414, 413, 408, 503) and the connection is closed; other clients are not affected.
//
//   cyn::http::Limits limits;              // the defaults below
//   limits.max_body_bytes = 16 << 20;     // allow 16 MiB uploads
//
// Invariant (enforced by Server's setters, assumed by the parser): every field is > 0 and
// max_header_fields <= kMaxHeaderFields.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cyn::http {

// Compile-time capacity of a request's header table (the parsed views live inline in the
// Request object, so no allocation happens per request).
inline constexpr std::size_t kMaxHeaderFields = 128;

struct Limits {
  // Request line + header fields + the blank line, in bytes; more → 431.
  std::size_t max_header_bytes = 16 * 1024;
  // Request target (path and query) in bytes; more → 414.
  std::size_t max_uri_bytes = 8 * 1024;
  // Decoded request body in bytes (Content-Length or the sum of chunk sizes); more → 413.
  std::size_t max_body_bytes = 1024 * 1024;
  // Number of header fields; more → 431.
  std::size_t max_header_fields = 100;
  // Time from the first byte of a request to the end of its head; exceeded → 408 and close.
  // It also bounds each wait for more body bytes.
  std::int64_t header_timeout_ns = 10'000'000'000;
  // Time from the end of a request's head to the end of its body (slow-upload clients);
  // exceeded → 408 and close.
  std::int64_t body_timeout_ns = 60'000'000'000;
  // Time a keep-alive connection may sit between requests; exceeded → closed silently.
  std::int64_t idle_timeout_ns = 60'000'000'000;
  // Open connections per server; the next one gets 503 and is closed.
  std::size_t max_connections = 100'000;
};

}  // namespace cyn::http
