// cyn/http/request.hpp — what a handler reads: method, path, query, headers, body.
//
// A Request is a nogil object (shared by cyn::Ref) that a connection makes once and reuses
// for every request it serves; its fields are views into the connection's read buffer, so
// reading a request allocates nothing. Strings returned here are NUL-terminated and stay
// valid until the handler returns; a handler must not keep them (or the Request) longer.
//
//   int hello(cyn::Ref<Request> req, cyn::Ref<Response> resp) {
//     long n = req->query_int("n", 10);          // GET /fib?n=30 -> 30; absent/bad -> 10
//     const char* agent = req->header("User-Agent");   // nullptr when absent
//     ...
//   }
//
// In Cython (stdlib/cyn/http.pxd): `n = req.query_int(b"n", 10)`.
#pragma once

#include <cstddef>
#include <string_view>

#include "cyn/http/buffer.hpp"
#include "cyn/http/parser.hpp"
#include "cyn/object.hpp"

namespace cyn::http {

class Request : public Object {
 public:
  Request() = default;

  // "GET", "POST", ... (a HEAD request is seen as "HEAD"; its response body is dropped).
  const char* method() const noexcept { return parsed_.method.data(); }
  Method method_id() const noexcept { return parsed_.method_id; }
  // The path of the target without the query ("/fib"), not percent-decoded.
  const char* path() const noexcept { return parsed_.path.data(); }
  std::size_t path_len() const noexcept { return parsed_.path.size(); }
  // Everything after '?' ("" when none), not decoded.
  const char* query_string() const noexcept { return parsed_.query.data(); }
  // 0 for HTTP/1.0, 1 for HTTP/1.1.
  int http_minor() const noexcept { return parsed_.minor_version; }
  bool keep_alive() const noexcept { return parsed_.keep_alive; }

  // The first value of header `name` (case-insensitive), or nullptr (also for a null name).
  const char* header(const char* name) const noexcept;
  std::size_t header_count() const noexcept { return parsed_.header_count; }
  // Field i in the order sent; nullptr when i >= header_count() (the table's other slots hold
  // fields of earlier requests, or nothing).
  const char* header_name(std::size_t i) const noexcept {
    return i < parsed_.header_count ? parsed_.headers[i].name.data() : nullptr;
  }
  const char* header_value(std::size_t i) const noexcept {
    return i < parsed_.header_count ? parsed_.headers[i].value.data() : nullptr;
  }

  // Query parameter `name` as an integer: optional '-' then decimal digits, nothing else;
  // `dflt` when absent, malformed or out of range of long.
  long query_int(const char* name, long dflt) const noexcept;
  // Query parameter `name` percent-decoded ('+' is a space), or nullptr when absent; the
  // first parameter of that name wins. Decoding happens once per request into a buffer the
  // Request keeps. The result is NUL-terminated; a value may itself contain NULs (`%00`),
  // which C string functions take as its end: *len (when `len` is not null) is the full
  // decoded length. Keys and values are stored with their lengths, so a `%00` never makes
  // one parameter's bytes read as another's; `name` ("" included) matches a decoded key
  // exactly, so a key containing a NUL matches no name.
  const char* query(const char* name, std::size_t* len) noexcept;
  const char* query(const char* name) noexcept { return query(name, nullptr); }
  // Query parameter `name` as sent (not decoded): a pointer and *len, or nullptr when absent.
  const char* query_raw(const char* name, std::size_t* len) const noexcept;

  // The decoded body (Content-Length or chunked); not NUL-terminated.
  const char* body() const noexcept { return parsed_.body.data(); }
  std::size_t body_len() const noexcept { return parsed_.body.size(); }

  // Runtime side: the connection parses into parsed(), then calls begin() before the handler.
  ParsedRequest& parsed() noexcept { return parsed_; }
  const ParsedRequest& parsed() const noexcept { return parsed_; }
  void begin() noexcept {
    terminate_fields(parsed_);
    decoded_query_ready_ = false;
  }

 private:
  // Finds `name` in the raw query; returns the raw value (data()==nullptr when absent).
  std::string_view find_query(std::string_view name) const noexcept;
  // Fills decoded_query_ (see request.cpp for its layout).
  void decode_query() noexcept;

  ParsedRequest parsed_;
  // The decoded query as length-prefixed key and value records, built on the first query()
  // call of a request.
  ByteBuffer decoded_query_;
  bool decoded_query_ready_ = false;
};

}  // namespace cyn::http
