// cyn/http/parser.hpp — a strict, zero-copy HTTP/1.1 request parser (RFC 9112).
//
// parse_request() looks at the bytes a connection has buffered so far and either finds one
// complete request (head and body) at their start, says more bytes are needed, or names
// the status code that rejects the input. Parsed fields are views into the caller's buffer;
// nothing is allocated. A chunked body is decoded in place (the chunk data is moved down
// over the framing), so every body is one contiguous view.
//
//   cyn::http::ParsedRequest req;
//   cyn::http::ParseResult r = cyn::http::parse_request(buf, len, limits, req);
//   if (r.status == cyn::http::ParseStatus::kComplete) {
//     handle(req);                  // req.path, req.headers[i], req.body ...
//     consume(r.consumed);          // the next pipelined request starts there
//   } else if (r.status == cyn::http::ParseStatus::kError) {
//     reply_and_close(r.error_status);   // 400, 413, 414, 431, 501, 505
//   }                                    // kIncomplete: read more, call again
//
// Choices where RFC 9112 leaves room (all documented in docs/http.md):
// - Lines must end in CRLF. A bare LF (or bare CR) anywhere in the head or the chunk framing
//   is a 400: accepting LF-only line ends is a MAY in the RFC, and lenient line-end rules are
//   the root of request-smuggling disagreements between proxies and servers.
// - obs-fold (a header line starting with SP/HTAB) is a 400; so is whitespace between a field
//   name and its colon, any control character (NUL included) in a field value, and a request
//   target with bytes outside VCHAR.
// - Content-Length and Transfer-Encoding together is a 400. Repeated Content-Length fields
//   (or a comma list) are accepted when all values are equal, else 400. A non-decimal or
//   negative length is a 400; one above max_body_bytes is a 413.
// - A Content-Length field without any value ("", ",") is a 400, like a non-decimal one.
// - Transfer-Encoding other than exactly "chunked" is a 501; Transfer-Encoding in an
//   HTTP/1.0 request is a 400. Chunk sizes above max_body_bytes, or a body summing above
//   it, are a 413. A chunk-size line is hex digits, then optionally BWS ";" extensions:
//   whitespace not followed by an extension is a 400.
// - HTTP/1.1 requests need exactly one Host field (400 otherwise), and a Host value must be
//   a URI authority's host[:port] (no whitespace, '/', '?', '#', '@', ...; 400 otherwise).
// - A fragment ("#...") in the target is not part of the request (RFC 9110 §4.2.5: clients do
//   not send one): path and query end before it.
// - Methods GET HEAD POST PUT DELETE OPTIONS PATCH are served; any other token is a 501,
//   whatever its target looks like (CONNECT host:443 included).
// - HTTP/1.x with x > 1 is handled as 1.1; any other major version is a 505.
//
// Invariants of a kComplete result: every string_view points into the buffer given to the
// call; once terminate_fields() ran, the byte just after method, path, query and every
// header name and value is NUL, so they are also C strings (the body is not terminated).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cyn/http/limits.hpp"

namespace cyn::http {

enum class Method : std::uint8_t { kGet, kHead, kPost, kPut, kDelete, kOptions, kPatch };

struct HeaderField {
  std::string_view name;   // as sent (case preserved), never empty
  std::string_view value;  // leading and trailing whitespace removed
};

struct ParsedRequest {
  std::string_view method;
  Method method_id = Method::kGet;
  std::string_view target;  // the request target as sent
  std::string_view path;    // target without query; origin-form ("/a/b") even for absolute-form
  std::string_view query;   // after '?', empty when there is none
  int minor_version = 1;    // 0 for HTTP/1.0, 1 for HTTP/1.1 (and higher 1.x)
  bool keep_alive = true;   // after Connection and version rules
  bool chunked = false;
  std::int64_t content_length = -1;  // -1 when the request had no Content-Length
  std::size_t header_count = 0;
  HeaderField headers[kMaxHeaderFields];
  std::string_view body;  // decoded; empty when there is none

  // Clears every field but the header table's slots (which header_count guards): a
  // ParsedRequest is reused for every request of a connection, and 4 KiB of slots is too
  // much to zero per request.
  void reset() noexcept {
    method = target = path = query = body = {};
    method_id = Method::kGet;
    minor_version = 1;
    keep_alive = true;
    chunked = false;
    content_length = -1;
    header_count = 0;
  }

  // Case-insensitive lookup of the first field named `name`; nullptr when absent.
  const HeaderField* find_header(std::string_view name) const noexcept;
};

enum class ParseStatus : std::uint8_t { kComplete, kIncomplete, kError };

struct ParseResult {
  ParseStatus status = ParseStatus::kIncomplete;
  int error_status = 0;      // the HTTP status to answer with, for kError
  std::size_t consumed = 0;  // bytes of the buffer this request used, for kComplete
  // For kIncomplete: the buffer length worth calling again at (a lower bound; at least
  // len + 1). Lets a connection read a whole Content-Length body before reparsing.
  std::size_t need = 0;
  // For kIncomplete: the head is complete and valid, only body bytes are missing (the
  // connection then waits for body bytes rather than enforcing the header timeout).
  bool head_done = false;
};

// What a connection keeps between the calls of parse_request for one request whose head is
// accepted but whose body has not all arrived: the next call then checks only the body bytes
// it has not seen (the chunks already checked are not walked again), so a body that trickles
// in costs time linear in its size, not quadratic. The head is parsed again, once, by the
// call that finds the body complete. The caller promises to pass the same request's bytes
// again, unchanged and at the same offsets from the start of `buf` (the buffer itself may
// move), and resets it when a request completes or fails.
struct ParseProgress {
  std::size_t body_start = 0;     // 0: no accepted head yet (a head is never empty)
  bool chunked = false;
  std::size_t body_end = 0;       // Content-Length: where the body ends
  std::size_t chunk_line = 0;     // chunked: the first chunk-size line not yet complete
  std::uint64_t chunk_total = 0;  // chunked: body bytes of the chunks before it
  void reset() noexcept { *this = ParseProgress(); }
};

// Parses one request at the start of buf[0, len). `buf` is written to only for a kComplete
// chunked request (decoded in place). A call is pure otherwise: calling again with the same
// bytes plus more gives the same answer as one call with all of them, with or without a
// `progress` carried from call to call (see ParseProgress). For a kIncomplete result with
// head_done set, `out` holds the head only when this very call parsed it (a call that resumed
// from `progress` leaves `out` as it was).
ParseResult parse_request(char* buf, std::size_t len, const Limits& limits, ParsedRequest& out,
                          ParseProgress* progress = nullptr) noexcept;

// Writes a NUL just after method, path, query and every header name and value of a
// kComplete request, turning the views into C strings. Those bytes are delimiters of the
// head (SP, '?', ':', whitespace, CR), which nothing reads afterwards.
void terminate_fields(ParsedRequest& req) noexcept;

// ASCII case-insensitive equality (header names, tokens).
bool iequals(std::string_view a, std::string_view b) noexcept;

// The reason phrase of a status code ("Not Found") for the codes of the IANA registry; ""
// for unregistered codes (the status line is then "HTTP/1.1 599 \r\n", as RFC 9112 allows).
std::string_view reason_phrase(int status) noexcept;

}  // namespace cyn::http
