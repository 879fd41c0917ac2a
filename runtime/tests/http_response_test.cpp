// GoogleTests for the HTTP response writer, the Date cache, the router and the request
// accessors (query and header lookups).
#include <gtest/gtest.h>

#include <climits>
#include <cstring>
#include <ctime>
#include <string>

#include "cyn/http/date.hpp"
#include "cyn/http/request.hpp"
#include "cyn/http/response.hpp"
#include "cyn/http/router.hpp"

using namespace cyn::http;
using cyn::Ref;

namespace {

std::string head_of(int status, const Response& resp, bool keep_alive, int minor) {
  ByteBuffer out;
  append_response_head(out, status, resp, keep_alive, minor);
  return std::string(out.view());
}

// Drops the Date line (its value changes every second).
std::string without_date(std::string s) {
  std::size_t d = s.find("Date: ");
  if (d == std::string::npos) return s;
  return s.erase(d, s.find("\r\n", d) + 2 - d);
}

}  // namespace

TEST(HttpDate, ImfFixdate) {
  char buf[30] = {};
  EXPECT_EQ(format_imf_fixdate(784111777, buf), 29);  // RFC 9110's example
  EXPECT_STREQ(buf, "Sun, 06 Nov 1994 08:49:37 GMT");
  format_imf_fixdate(0, buf);
  EXPECT_STREQ(buf, "Thu, 01 Jan 1970 00:00:00 GMT");
}

TEST(HttpDate, HeaderLineIsCurrent) {
  std::string line(date_header_line());
  ASSERT_EQ(line.size(), 37u);
  EXPECT_EQ(line.substr(0, 6), "Date: ");
  EXPECT_EQ(line.substr(35), "\r\n");
  // Within a second or two of the real clock.
  char now[30] = {}, before[30] = {};
  std::time_t t = std::time(nullptr);
  format_imf_fixdate(t, now);
  format_imf_fixdate(t - 1, before);
  std::string value = line.substr(6, 29);
  EXPECT_TRUE(value == now || value == before) << value;
}

TEST(HttpResponse, HelloHead) {
  Ref<Response> r = cyn::make<Response>();
  r->set_body("Hello, World!", "text/plain");
  EXPECT_EQ(without_date(head_of(200, *r, true, 1)),
            "HTTP/1.1 200 OK\r\nServer: cyn\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\n");
  EXPECT_EQ(r->body(), "Hello, World!");
  EXPECT_NE(head_of(200, *r, true, 1).find("\r\nDate: "), std::string::npos);
}

TEST(HttpResponse, ConnectionHeaderFollowsKeepAliveAndVersion) {
  Ref<Response> r = cyn::make<Response>();
  EXPECT_NE(head_of(200, *r, false, 1).find("Connection: close\r\n"), std::string::npos);
  EXPECT_NE(head_of(200, *r, true, 0).find("Connection: keep-alive\r\n"), std::string::npos);
  EXPECT_EQ(head_of(200, *r, true, 1).find("Connection:"), std::string::npos);
}

TEST(HttpResponse, StatusLinesAndBodylessStatuses) {
  Ref<Response> r = cyn::make<Response>();
  EXPECT_EQ(head_of(404, *r, true, 1).rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u);
  EXPECT_EQ(head_of(299, *r, true, 1).rfind("HTTP/1.1 299 \r\n", 0), 0u);  // unregistered: empty reason
  EXPECT_EQ(head_of(418, *r, true, 1).rfind("HTTP/1.1 418 I'm a teapot\r\n", 0), 0u);
  EXPECT_EQ(head_of(308, *r, true, 1).rfind("HTTP/1.1 308 Permanent Redirect\r\n", 0), 0u);
  EXPECT_EQ(head_of(204, *r, true, 1).find("Content-Length"), std::string::npos);
  EXPECT_EQ(head_of(304, *r, true, 1).find("Content-Length"), std::string::npos);
  EXPECT_NE(head_of(200, *r, true, 1).find("Content-Length: 0\r\n"), std::string::npos);
  EXPECT_TRUE(status_has_no_body(204));
  EXPECT_TRUE(status_has_no_body(304));
  EXPECT_TRUE(status_has_no_body(101));
  EXPECT_FALSE(status_has_no_body(200));
  // 205: no content, but a Content-Length of 0 (RFC 9110 §15.3.6).
  r->set_body("ignored", "text/plain");
  EXPECT_FALSE(status_has_no_body(205));
  EXPECT_FALSE(status_sends_body(205));
  EXPECT_TRUE(status_sends_body(200));
  EXPECT_FALSE(status_sends_body(204));
  EXPECT_NE(head_of(205, *r, true, 1).find("Content-Length: 0\r\n"), std::string::npos);
}

TEST(HttpResponse, SetHeaderValidates) {
  Ref<Response> r = cyn::make<Response>();
  EXPECT_TRUE(r->set_header("X-A", "1"));
  EXPECT_FALSE(r->set_header("X-B", "a\r\nInjected: yes"));
  EXPECT_FALSE(r->set_header("X-B", "a\nInjected: yes"));
  EXPECT_FALSE(r->set_header("X-B", "bell\a"));
  EXPECT_FALSE(r->set_header("X-B", "del\x7f"));
  EXPECT_FALSE(r->set_header("Content-Type", "text/html\r\nX-Injected: 1"));
  EXPECT_FALSE(r->set_header("Bad Name", "1"));
  EXPECT_FALSE(r->set_header("", "1"));
  EXPECT_FALSE(r->set_header("Content-Length", "5"));
  EXPECT_FALSE(r->set_header("Transfer-Encoding", "chunked"));
  EXPECT_FALSE(r->set_header(nullptr, "1"));
  EXPECT_EQ(r->headers(), "X-A: 1\r\n");
  EXPECT_FALSE(r->wants_close());
  EXPECT_TRUE(r->set_header("Connection", "close"));
  EXPECT_TRUE(r->wants_close());
  EXPECT_TRUE(r->set_header("content-type", "application/json"));
  EXPECT_EQ(r->content_type(), "application/json");
  std::string head = head_of(200, *r, false, 1);
  EXPECT_NE(head.find("\r\nX-A: 1\r\n\r\n"), std::string::npos);
  EXPECT_EQ(head.find("Injected"), std::string::npos);
  EXPECT_TRUE(r->set_header("X-Tab", "a\tb"));
  EXPECT_TRUE(r->set_header("X-Utf8", "caf\xc3\xa9"));  // obs-text is allowed
  EXPECT_EQ(r->headers(), "X-A: 1\r\nX-Tab: a\tb\r\nX-Utf8: caf\xc3\xa9\r\n");
}

TEST(HttpResponse, BodyForms) {
  Ref<Response> r = cyn::make<Response>();
  r->set_body(nullptr, 5, "text/plain");  // NULL data: an empty body, not a crash
  EXPECT_EQ(r->body(), "");
  r->append_body(nullptr, 3);
  EXPECT_EQ(r->body(), "");
  r->set_body_int(-832040);
  EXPECT_EQ(r->body(), "-832040");
  EXPECT_EQ(r->content_type(), "text/plain");
  r->set_body_int(LONG_MIN);
  EXPECT_EQ(r->body(), "-9223372036854775808");
  r->set_body("a\0b", 3, "application/octet-stream");
  EXPECT_EQ(r->body(), std::string("a\0b", 3));
  r->append_body("cd", 2);
  EXPECT_EQ(r->body().size(), 5u);
  r->set_body("x", nullptr);
  EXPECT_TRUE(r->content_type().empty());
  r->set_status(201);
  r->reset();
  EXPECT_EQ(r->status(), 200);
  EXPECT_TRUE(r->body().empty());
  EXPECT_TRUE(r->headers().empty());
}

TEST(HttpResponse, ErrorResponseCloses) {
  ByteBuffer out;
  append_error_response(out, 431);
  std::string s(out.view());
  EXPECT_EQ(s.rfind("HTTP/1.1 431 Request Header Fields Too Large\r\n", 0), 0u);
  EXPECT_NE(s.find("Connection: close\r\n"), std::string::npos);
  std::string body = "Request Header Fields Too Large\n";
  EXPECT_NE(s.find("Content-Length: " + std::to_string(body.size()) + "\r\n"), std::string::npos);
  EXPECT_EQ(s.substr(s.size() - body.size()), body);
}

TEST(HttpBuffer, GrowsKeepsAndShrinks) {
  ByteBuffer b;
  b.append("abc");
  b.append_decimal(0);
  b.append_decimal(-12);
  EXPECT_EQ(b.view(), "abc0-12");
  b.consume_front(3);
  EXPECT_EQ(b.view(), "0-12");
  std::size_t cap = b.capacity();
  b.clear();
  EXPECT_EQ(b.capacity(), cap);
  b.reserve(1 << 20);
  EXPECT_GE(b.capacity(), std::size_t(1) << 20);
  b.append("keep");
  b.shrink_to(4096);
  EXPECT_EQ(b.capacity(), 4096u);
  EXPECT_EQ(b.view(), "keep");
}

namespace {
int handler_a(Ref<Request>, Ref<Response>) { return 1; }
int handler_b(Ref<Request>, Ref<Response>) { return 2; }
int handler_c(Ref<Request>, Ref<Response>) { return 3; }
}  // namespace

TEST(HttpRouter, LongestPrefixAtSegmentBoundary) {
  Router r;
  EXPECT_EQ(r.find("/"), nullptr);
  ASSERT_TRUE(r.add("/fib", handler_b));
  ASSERT_TRUE(r.add("/", handler_a));
  ASSERT_TRUE(r.add("/fib/fast", handler_c));
  EXPECT_EQ(r.find("/"), handler_a);
  EXPECT_EQ(r.find("/anything/else"), handler_a);
  EXPECT_EQ(r.find("/fib"), handler_b);
  EXPECT_EQ(r.find("/fib/30"), handler_b);
  EXPECT_EQ(r.find("/fibonacci"), handler_a);  // not a segment boundary
  EXPECT_EQ(r.find("/fib/fast"), handler_c);
  EXPECT_EQ(r.find("/fib/fast/1"), handler_c);
  EXPECT_EQ(r.find("/fib/faster"), handler_b);
  EXPECT_EQ(r.size(), 3u);
}

TEST(HttpRouter, RejectsBadRoutesAndReplaces) {
  Router r;
  EXPECT_FALSE(r.add("fib", handler_a));
  EXPECT_FALSE(r.add("", handler_a));
  EXPECT_FALSE(r.add("/x", nullptr));
  EXPECT_TRUE(r.add("/static/", handler_a));
  EXPECT_EQ(r.find("/static/a.css"), handler_a);
  EXPECT_EQ(r.find("/static"), nullptr);  // "/static/" needs the slash
  EXPECT_EQ(r.find("/other"), nullptr);
  EXPECT_TRUE(r.add("/static/", handler_b));
  EXPECT_EQ(r.find("/static/a.css"), handler_b);
  EXPECT_EQ(r.size(), 1u);
}

namespace {
// A Request parsed from `text`; `storage` keeps the bytes the views point into.
Ref<Request> request_from(std::string& storage) {
  Ref<Request> req = cyn::make<Request>();
  ParseResult res = parse_request(storage.data(), storage.size(), Limits(), req->parsed());
  EXPECT_EQ(res.status, ParseStatus::kComplete);
  req->begin();
  return req;
}
}  // namespace

TEST(HttpRequest, QueryInt) {
  std::string text =
      "GET /fib?n=30&neg=-7&bad=3x&empty=&big=99999999999999999999&min=-9223372036854775808&flag "
      "HTTP/1.1\r\nHost: h\r\n\r\n";
  Ref<Request> req = request_from(text);
  EXPECT_STREQ(req->path(), "/fib");
  EXPECT_EQ(req->query_int("n", 1), 30);
  EXPECT_EQ(req->query_int("neg", 1), -7);
  EXPECT_EQ(req->query_int("bad", 1), 1);
  EXPECT_EQ(req->query_int("empty", 1), 1);
  EXPECT_EQ(req->query_int("big", 1), 1);
  EXPECT_EQ(req->query_int("min", 1), LONG_MIN);
  EXPECT_EQ(req->query_int("missing", 42), 42);
  EXPECT_EQ(req->query_int("fla", 5), 5);  // keys match whole
}

TEST(HttpRequest, QueryDecodedAndRaw) {
  std::string text = "GET /s?q=a+b%2Fc&x=%zz&flag&k%31=v HTTP/1.1\r\nHost: h\r\n\r\n";
  Ref<Request> req = request_from(text);
  const char* q = req->query("q");
  const char* x = req->query("x");
  ASSERT_NE(q, nullptr);
  ASSERT_NE(x, nullptr);
  EXPECT_STREQ(q, "a b/c");  // pointers stay valid across calls
  EXPECT_STREQ(x, "%zz");
  EXPECT_STREQ(req->query("flag"), "");
  EXPECT_STREQ(req->query("k1"), "v");
  EXPECT_EQ(req->query("nope"), nullptr);
  std::size_t len = 0;
  const char* raw = req->query_raw("q", &len);
  ASSERT_NE(raw, nullptr);
  EXPECT_EQ(std::string(raw, len), "a+b%2Fc");
  EXPECT_EQ(req->query_raw("nope", &len), nullptr);
  EXPECT_STREQ(req->query_string(), "q=a+b%2Fc&x=%zz&flag&k%31=v");
}

// The decoded query keeps every key's and value's length: a %00 is a byte of its value and
// never lets one parameter's bytes be read as another parameter (the old "key\0value\0"
// layout walked with strlen did).
TEST(HttpRequest, QueryNulCannotInjectOrHideParameters) {
  std::string text = "GET /s?x=%00role%00admin&y=a%00b&role=user&z=%00 HTTP/1.1\r\nHost: h\r\n\r\n";
  Ref<Request> req = request_from(text);
  EXPECT_STREQ(req->query("role"), "user");
  EXPECT_EQ(req->query("admin"), nullptr);
  EXPECT_EQ(req->query("b"), nullptr);
  std::size_t len = 99;
  const char* x = req->query("x", &len);
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(std::string(x, len), std::string("\0role\0admin", 11));
  EXPECT_EQ(x[len], '\0');  // still a C string (one that ends at its first NUL)
  const char* y = req->query("y", &len);
  ASSERT_NE(y, nullptr);
  EXPECT_EQ(std::string(y, len), std::string("a\0b", 3));
  EXPECT_STREQ(y, "a");
  const char* z = req->query("z", &len);
  ASSERT_NE(z, nullptr);
  EXPECT_EQ(len, 1u);
}

TEST(HttpRequest, QueryNulInKeys) {
  // A key with a NUL matches no name: not "a", not "a\0b" read as "a".
  std::string text = "GET /s?a%00b=1&%00=2&a=3 HTTP/1.1\r\nHost: h\r\n\r\n";
  Ref<Request> req = request_from(text);
  EXPECT_STREQ(req->query("a"), "3");
  EXPECT_EQ(req->query(""), nullptr);
  EXPECT_EQ(req->query("b"), nullptr);
}

TEST(HttpRequest, QueryEmptyKeysAndPairs) {
  std::string text = "GET /s?ab=x%00y&=empty&&d&e=&f=%41%42 HTTP/1.1\r\nHost: h\r\n\r\n";
  Ref<Request> req = request_from(text);
  EXPECT_STREQ(req->query(""), "empty");  // "=empty" has the empty key
  std::size_t len = 0;
  ASSERT_NE(req->query("ab", &len), nullptr);
  EXPECT_EQ(len, 3u);
  EXPECT_STREQ(req->query("d"), "");
  EXPECT_STREQ(req->query("e"), "");
  EXPECT_STREQ(req->query("f"), "AB");
  EXPECT_EQ(req->query("y"), nullptr);
  EXPECT_EQ(req->query("empty"), nullptr);
  EXPECT_EQ(req->query(nullptr), nullptr);
  const char* raw = req->query_raw("", &len);
  ASSERT_NE(raw, nullptr);
  EXPECT_EQ(std::string(raw, len), "empty");
  // An empty pair ("&&") is no parameter: query("") and query_raw("") agree.
  std::string text2 = "GET /s?a=1&&b=2 HTTP/1.1\r\nHost: h\r\n\r\n";
  Ref<Request> req2 = request_from(text2);
  EXPECT_EQ(req2->query(""), nullptr);
  EXPECT_EQ(req2->query_raw("", &len), nullptr);
  EXPECT_STREQ(req2->query("b"), "2");
}

TEST(HttpRequest, QueryDecodedOncePerRequestOnAReusedRequest) {
  Ref<Request> req = cyn::make<Request>();
  std::string t1 = "GET /s?a=%00%00%00%00%00%00%00%00%00%00&b=1 HTTP/1.1\r\nHost: h\r\n\r\n";
  ASSERT_EQ(parse_request(t1.data(), t1.size(), Limits(), req->parsed()).status, ParseStatus::kComplete);
  req->begin();
  std::size_t len = 0;
  ASSERT_NE(req->query("a", &len), nullptr);
  EXPECT_EQ(len, 10u);
  EXPECT_STREQ(req->query("b"), "1");
  std::string t2 = "GET /s?b=2 HTTP/1.1\r\nHost: h\r\n\r\n";
  ASSERT_EQ(parse_request(t2.data(), t2.size(), Limits(), req->parsed()).status, ParseStatus::kComplete);
  req->begin();
  EXPECT_EQ(req->query("a"), nullptr);
  EXPECT_STREQ(req->query("b"), "2");
}

TEST(HttpRequest, HeadersAndBody) {
  std::string text = "POST /p HTTP/1.1\r\nHost: h\r\nX-Token: abc \r\nContent-Length: 4\r\n\r\nbody";
  Ref<Request> req = request_from(text);
  EXPECT_STREQ(req->method(), "POST");
  EXPECT_EQ(req->method_id(), Method::kPost);
  EXPECT_STREQ(req->header("x-token"), "abc");
  EXPECT_EQ(req->header("X-Missing"), nullptr);
  EXPECT_EQ(req->header_count(), 3u);
  EXPECT_STREQ(req->header_name(1), "X-Token");
  EXPECT_STREQ(req->header_value(2), "4");
  EXPECT_EQ(req->header_name(3), nullptr);  // past the end: no stale field
  EXPECT_EQ(req->header_value(3), nullptr);
  EXPECT_EQ(req->header_name(100000), nullptr);
  EXPECT_EQ(req->header(nullptr), nullptr);
  EXPECT_EQ(std::string(req->body(), req->body_len()), "body");
  EXPECT_EQ(req->http_minor(), 1);
  EXPECT_TRUE(req->keep_alive());
}
