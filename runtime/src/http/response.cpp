// Response building and serialisation: see cyn/http/response.hpp.
#include "cyn/http/response.hpp"

#include <cstring>

#include "cyn/http/date.hpp"
#include "cyn/http/parser.hpp"

namespace cyn::http {
namespace {

bool is_token(const char* s) {
  if (*s == '\0') return false;
  for (; *s; ++s) {
    unsigned char c = static_cast<unsigned char>(*s);
    bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum && std::strchr("!#$%&'*+-.^_`|~", c) == nullptr) return false;
  }
  return true;
}

// A field value we may send (RFC 9110 §5.5): no control characters but HTAB. CR and LF would
// split the head (response splitting); the others are invalid and clients reject them.
bool is_field_value(const char* s) {
  for (; *s; ++s) {
    unsigned char c = static_cast<unsigned char>(*s);
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  return true;
}

// Status line prefix "HTTP/1.1 200 OK\r\n" for the codes handlers use most, precomputed.
void append_status_line(ByteBuffer& out, int status) {
  if (status == 200) {
    out.append("HTTP/1.1 200 OK\r\n");
    return;
  }
  char code[4] = {char('0' + status / 100 % 10), char('0' + status / 10 % 10), char('0' + status % 10), ' '};
  out.append("HTTP/1.1 ");
  out.append(code, 4);
  out.append(reason_phrase(status));
  out.append("\r\n");
}

}  // namespace

void Response::set_body(const char* data, const char* content_type) {
  set_body(data, data ? std::strlen(data) : 0, content_type);
}

void Response::set_body(const char* data, std::size_t len, const char* content_type) {
  body_.clear();
  if (data != nullptr) body_.append(data, len);  // NULL: an empty body, whatever `len` says
  set_content_type(content_type);
}

void Response::append_body(const char* data, std::size_t len) {
  if (data != nullptr) body_.append(data, len);
}

void Response::set_body_int(long value) {
  body_.clear();
  body_.append_decimal(value);
  set_content_type("text/plain");
}

void Response::set_content_type(const char* content_type) {
  content_type_.clear();
  if (content_type == nullptr || !is_field_value(content_type)) return;  // refused: none
  content_type_.append(std::string_view(content_type));
}

bool Response::set_header(const char* name, const char* value) {
  if (name == nullptr || value == nullptr || !is_token(name) || !is_field_value(value)) return false;
  std::string_view n(name);
  if (iequals(n, "content-length") || iequals(n, "transfer-encoding") || iequals(n, "date") ||
      iequals(n, "server")) {
    return false;
  }
  if (iequals(n, "connection")) {
    if (iequals(value, "close")) close_ = true;
    return true;
  }
  if (iequals(n, "content-type")) {
    set_content_type(value);
    return true;
  }
  headers_.append(n);
  headers_.append(": ");
  headers_.append(std::string_view(value));
  headers_.append("\r\n");
  return true;
}

bool status_has_no_body(int status) noexcept {
  return status < 200 || status == 204 || status == 304;
}

bool status_sends_body(int status) noexcept { return !status_has_no_body(status) && status != 205; }

void append_response_head(ByteBuffer& out, int status, const Response& resp, bool keep_alive,
                          int client_minor) {
  out.reserve_more(160 + resp.content_type().size() + resp.headers().size());
  append_status_line(out, status);
  out.append(date_header_line());
  out.append("Server: cyn\r\n");
  if (!resp.content_type().empty()) {
    out.append("Content-Type: ");
    out.append(resp.content_type());
    out.append("\r\n");
  }
  // 1xx and 204 must not carry Content-Length; a 304's would describe the resource, which
  // we do not know, so it is left out too.
  if (!status_has_no_body(status)) {
    out.append("Content-Length: ");
    out.append_decimal(status_sends_body(status) ? std::int64_t(resp.body().size()) : 0);
    out.append("\r\n");
  }
  if (!keep_alive) {
    out.append("Connection: close\r\n");
  } else if (client_minor == 0) {
    out.append("Connection: keep-alive\r\n");
  }
  out.append(resp.headers());
  out.append("\r\n");
}

void append_error_response(ByteBuffer& out, int status) {
  std::string_view reason = reason_phrase(status);
  if (reason.empty()) reason = "Error";  // the body is never empty (the server uses registered codes)
  append_status_line(out, status);
  out.append(date_header_line());
  out.append("Server: cyn\r\nContent-Type: text/plain\r\nContent-Length: ");
  out.append_decimal(std::int64_t(reason.size() + 1));
  out.append("\r\nConnection: close\r\n\r\n");
  out.append(reason);
  out.append("\n");
}

}  // namespace cyn::http
