// cyn/http/response.hpp — what a handler writes: status, headers, body.
//
// A Response is a nogil object that a connection makes once and reuses for every request;
// its body and header buffers keep their capacity, so answering allocates nothing once a
// connection is warm. The handler's return value is the status code (0 means "use
// set_status()'s value", which defaults to 200). The connection adds Date, Server,
// Content-Length and Connection itself.
//
//   int hello(cyn::Ref<Request> req, cyn::Ref<Response> resp) {
//     resp->set_body("Hello, World!", "text/plain");
//     resp->set_header("Cache-Control", "no-store");
//     return 200;
//   }
//
// In Cython: `resp.set_body(b"Hello, World!", b"text/plain")`, `resp.set_body_int(n)`.
//
// Invariant: headers() holds complete "Name: value\r\n" lines whose names are tokens and
// whose values contain no control character but HTAB (set_header refuses anything else), so
// a handler cannot split the response or send a field clients reject.
#pragma once

#include <cstddef>
#include <string_view>

#include "cyn/http/buffer.hpp"
#include "cyn/object.hpp"

namespace cyn::http {

class Response : public Object {
 public:
  Response() = default;

  // The status used when the handler returns 0.
  void set_status(int status) noexcept { status_ = status; }
  int status() const noexcept { return status_; }

  // Replaces the body with a copy of the C string `data`; `content_type` may be nullptr
  // (no Content-Type field).
  void set_body(const char* data, const char* content_type);
  // Same with an explicit length (binary data, NULs allowed).
  void set_body(const char* data, std::size_t len, const char* content_type);
  // Appends to the body (for bodies built in pieces).
  void append_body(const char* data, std::size_t len);
  // Replaces the body with the decimal digits of `value`, as text/plain.
  void set_body_int(long value);
  void set_content_type(const char* content_type);

  // Adds a header line. Returns false (and adds nothing) for a name that is not a token, a
  // value with a control character other than HTAB (CR/LF would split the response), or a
  // field the server owns (Content-Length, Transfer-Encoding,
  // Date, Server). "Connection: close" is honoured: the connection closes after this
  // response.
  bool set_header(const char* name, const char* value);

  // Runtime side.
  void reset() noexcept {
    status_ = 200;
    close_ = false;
    body_.clear();
    content_type_.clear();
    headers_.clear();
  }
  std::string_view body() const noexcept { return body_.view(); }
  std::string_view content_type() const noexcept { return content_type_.view(); }
  std::string_view headers() const noexcept { return headers_.view(); }
  bool wants_close() const noexcept { return close_; }
  // Returns buffers that grew past `keep` bytes to the heap.
  void trim(std::size_t keep) {
    body_.shrink_to(keep);
    headers_.shrink_to(keep);
  }

 private:
  int status_ = 200;
  bool close_ = false;
  ByteBuffer body_;
  ByteBuffer content_type_;
  ByteBuffer headers_;
};

// Appends a response head to `out`: status line, Date, Server, Content-Type, Content-Length,
// Connection (close when !keep_alive; keep-alive for an HTTP/1.0 client that keeps it), the
// response's own headers and the blank line. 1xx/204/304 carry no Content-Length; 205 says 0.
void append_response_head(ByteBuffer& out, int status, const Response& resp, bool keep_alive,
                          int client_minor);

// True for the statuses whose responses have no body and no Content-Length (1xx, 204, 304).
bool status_has_no_body(int status) noexcept;
// True when a response with this status sends the handler's body: not for the statuses
// above, nor for 205 (RFC 9110 §15.3.6: no content; sent with Content-Length: 0).
bool status_sends_body(int status) noexcept;

// Appends a complete error response (text/plain reason as body, Connection: close).
void append_error_response(ByteBuffer& out, int status);

}  // namespace cyn::http
