// GoogleTests for the HTTP request parser (cyn/http/parser.hpp): valid requests, every
// RFC 9112 rejection the parser promises, incremental input and pipelining.
#include "cyn/http/parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>

using namespace cyn::http;

namespace {

struct Parsed {
  ParseResult result;
  ParsedRequest req;
  std::string buf;  // keeps the views alive
};

// Parses `text` (copied, since chunked bodies are decoded in place).
Parsed parse(std::string text, const Limits& limits = Limits()) {
  Parsed p;
  p.buf = std::move(text);
  p.result = parse_request(p.buf.data(), p.buf.size(), limits, p.req);
  return p;
}

int status_of(std::string text, const Limits& limits = Limits()) {
  Parsed p = parse(std::move(text), limits);
  if (p.result.status == ParseStatus::kComplete) return 0;
  if (p.result.status == ParseStatus::kIncomplete) return -1;
  return p.result.error_status;
}

}  // namespace

TEST(HttpParser, SimpleGet) {
  Parsed p = parse("GET /hello?x=1&y=2 HTTP/1.1\r\nHost: a\r\nUser-Agent: t\r\n\r\n");
  ASSERT_EQ(p.result.status, ParseStatus::kComplete);
  EXPECT_EQ(p.result.consumed, p.buf.size());
  EXPECT_EQ(p.req.method, "GET");
  EXPECT_EQ(p.req.method_id, Method::kGet);
  EXPECT_EQ(p.req.target, "/hello?x=1&y=2");
  EXPECT_EQ(p.req.path, "/hello");
  EXPECT_EQ(p.req.query, "x=1&y=2");
  EXPECT_EQ(p.req.minor_version, 1);
  EXPECT_TRUE(p.req.keep_alive);
  ASSERT_EQ(p.req.header_count, 2u);
  EXPECT_EQ(p.req.headers[0].name, "Host");
  EXPECT_EQ(p.req.headers[0].value, "a");
  EXPECT_EQ(p.req.headers[1].name, "User-Agent");
  ASSERT_NE(p.req.find_header("user-agent"), nullptr);
  EXPECT_EQ(p.req.find_header("USER-AGENT")->value, "t");
  EXPECT_EQ(p.req.find_header("missing"), nullptr);
  EXPECT_TRUE(p.req.body.empty());
}

TEST(HttpParser, FieldValueWhitespaceIsTrimmed) {
  Parsed p = parse("GET / HTTP/1.1\r\nX-Spaced:   a b \t\r\nX-Empty:\r\nX-Blank:   \r\nHost:  h \r\n\r\n");
  ASSERT_EQ(p.result.status, ParseStatus::kComplete);
  EXPECT_EQ(p.req.headers[0].value, "a b");
  EXPECT_EQ(p.req.headers[1].value, "");
  EXPECT_EQ(p.req.headers[2].value, "");
  EXPECT_EQ(p.req.headers[3].value, "h");
}

TEST(HttpParser, TerminateFieldsMakesCStrings) {
  Parsed p = parse("POST /p?q=1 HTTP/1.1\r\nHost: h \r\nContent-Length: 3\r\n\r\nabc");
  ASSERT_EQ(p.result.status, ParseStatus::kComplete);
  terminate_fields(p.req);
  EXPECT_STREQ(p.req.method.data(), "POST");
  EXPECT_STREQ(p.req.path.data(), "/p");
  EXPECT_STREQ(p.req.query.data(), "q=1");
  EXPECT_STREQ(p.req.headers[0].name.data(), "Host");
  EXPECT_STREQ(p.req.headers[0].value.data(), "h");
  EXPECT_STREQ(p.req.headers[1].value.data(), "3");
  EXPECT_EQ(p.req.body, "abc");
}

TEST(HttpParser, QueryIsEmptyCStringWithoutQuestionMark) {
  Parsed p = parse("GET /p HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_EQ(p.result.status, ParseStatus::kComplete);
  terminate_fields(p.req);
  EXPECT_STREQ(p.req.path.data(), "/p");
  EXPECT_STREQ(p.req.query.data(), "");
}

TEST(HttpParser, Http10KeepAliveRules) {
  Parsed a = parse("GET / HTTP/1.0\r\n\r\n");
  ASSERT_EQ(a.result.status, ParseStatus::kComplete);
  EXPECT_EQ(a.req.minor_version, 0);
  EXPECT_FALSE(a.req.keep_alive);
  Parsed b = parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
  ASSERT_EQ(b.result.status, ParseStatus::kComplete);
  EXPECT_TRUE(b.req.keep_alive);
  Parsed c = parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: foo, close\r\n\r\n");
  ASSERT_EQ(c.result.status, ParseStatus::kComplete);
  EXPECT_FALSE(c.req.keep_alive);
}

TEST(HttpParser, HigherMinorVersionIsHandledAs11) {
  Parsed p = parse("GET / HTTP/1.7\r\nHost: h\r\n\r\n");
  ASSERT_EQ(p.result.status, ParseStatus::kComplete);
  EXPECT_EQ(p.req.minor_version, 1);
  EXPECT_EQ(status_of("GET / HTTP/2.0\r\nHost: h\r\n\r\n"), 505);
  EXPECT_EQ(status_of("GET / HTTP/0.9\r\nHost: h\r\n\r\n"), 505);
}

TEST(HttpParser, AbsoluteFormAndAsterisk) {
  Parsed p = parse("GET http://example.com/a/b?c=d HTTP/1.1\r\nHost: example.com\r\n\r\n");
  ASSERT_EQ(p.result.status, ParseStatus::kComplete);
  EXPECT_EQ(p.req.path, "/a/b");
  EXPECT_EQ(p.req.query, "c=d");
  Parsed root = parse("GET http://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n");
  ASSERT_EQ(root.result.status, ParseStatus::kComplete);
  EXPECT_EQ(root.req.path, "/");
  terminate_fields(root.req);  // must not write to the shared "/" path
  EXPECT_EQ(status_of("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n"), 0);
  EXPECT_EQ(status_of("GET * HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET example.com/ HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET http:///x HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
}

TEST(HttpParser, LeadingEmptyLinesAreIgnored) {
  Parsed p = parse("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_EQ(p.result.status, ParseStatus::kComplete);
  EXPECT_EQ(p.result.consumed, p.buf.size());
  EXPECT_EQ(p.req.path, "/");
}

TEST(HttpParser, IncompleteAtEveryPrefix) {
  const std::string full = "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello";
  for (std::size_t n = 0; n < full.size(); ++n) {
    Parsed p = parse(full.substr(0, n));
    EXPECT_EQ(p.result.status, ParseStatus::kIncomplete) << "prefix " << n;
    EXPECT_GT(p.result.need, n);
  }
  Parsed p = parse(full);
  ASSERT_EQ(p.result.status, ParseStatus::kComplete);
  EXPECT_EQ(p.req.body, "hello");
}

TEST(HttpParser, IncompleteBodyReportsNeedAndHeadDone) {
  Parsed p = parse("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc");
  ASSERT_EQ(p.result.status, ParseStatus::kIncomplete);
  EXPECT_TRUE(p.result.head_done);
  EXPECT_EQ(p.result.need, p.buf.size() + 7);
  Parsed q = parse("POST /x HTTP/1.1\r\nHost: h\r\n");
  EXPECT_FALSE(q.result.head_done);
}

TEST(HttpParser, PipelinedRequestsConsumeExactly) {
  std::string two = "GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n";
  Parsed p = parse(two);
  ASSERT_EQ(p.result.status, ParseStatus::kComplete);
  EXPECT_EQ(p.req.path, "/a");
  ParsedRequest second;
  ParseResult r = parse_request(p.buf.data() + p.result.consumed, p.buf.size() - p.result.consumed,
                                Limits(), second);
  ASSERT_EQ(r.status, ParseStatus::kComplete);
  EXPECT_EQ(second.path, "/b");
}

TEST(HttpParser, ChunkedBodyDecodedInPlace) {
  std::string text =
      "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n1;ext=1\r\n \r\nA\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\n"
      "GET /next HTTP/1.1\r\nHost: h\r\n\r\n";
  Parsed p = parse(text);
  ASSERT_EQ(p.result.status, ParseStatus::kComplete);
  EXPECT_TRUE(p.req.chunked);
  EXPECT_EQ(p.req.body, "hello 0123456789");
  // The pipelined request after the chunked body is intact.
  ParsedRequest next;
  ParseResult r = parse_request(p.buf.data() + p.result.consumed, p.buf.size() - p.result.consumed,
                                Limits(), next);
  ASSERT_EQ(r.status, ParseStatus::kComplete);
  EXPECT_EQ(next.path, "/next");
}

TEST(HttpParser, ChunkedIncompleteAtEveryPrefixDoesNotModifyBuffer) {
  const std::string full =
      "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
  for (std::size_t n = 0; n < full.size(); ++n) {
    Parsed p = parse(full.substr(0, n));
    EXPECT_EQ(p.result.status, ParseStatus::kIncomplete) << "prefix " << n;
    EXPECT_EQ(p.buf, full.substr(0, n));
  }
}

TEST(HttpParser, ChunkedErrors) {
  const std::string head = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  EXPECT_EQ(status_of(head + "zz\r\n"), 400);                       // not hex
  EXPECT_EQ(status_of(head + "3\nabc\r\n0\r\n\r\n"), 400);          // bare LF after size
  EXPECT_EQ(status_of(head + "3\r\nabcX\r\n0\r\n\r\n"), 400);       // data longer than size
  EXPECT_EQ(status_of(head + "FFFFFFFFFFFFFFFFFFFF\r\n"), 413);     // huge chunk size
  EXPECT_EQ(status_of(head + "100001\r\n"), 413);                   // > 1 MiB default
  EXPECT_EQ(status_of(head + "-1\r\n"), 400);                       // negative
  EXPECT_EQ(status_of(head + "0\r\nBad Trailer\r\n\r\n"), 400);     // malformed trailer
  Limits small;
  small.max_body_bytes = 8;
  EXPECT_EQ(status_of(head + "5\r\nhello\r\n5\r\nhello\r\n0\r\n\r\n", small), 413);  // sum too big
  EXPECT_EQ(status_of(head + std::string(2000, '0') + "1\r\n"), 400);  // endless size line
}

TEST(HttpParser, ContentLengthRules) {
  const std::string head = "POST /x HTTP/1.1\r\nHost: h\r\n";
  EXPECT_EQ(status_of(head + "Content-Length: -1\r\n\r\n"), 400);
  EXPECT_EQ(status_of(head + "Content-Length: 1x\r\n\r\n"), 400);
  EXPECT_EQ(status_of(head + "Content-Length:\r\n\r\n"), 400);
  EXPECT_EQ(status_of(head + "Content-Length: +3\r\n\r\nabc"), 400);
  EXPECT_EQ(status_of(head + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"), 400);
  EXPECT_EQ(status_of(head + "Content-Length: 3, 4\r\n\r\nabcd"), 400);
  EXPECT_EQ(status_of(head + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc"), 0);
  EXPECT_EQ(status_of(head + "Content-Length: 3, 3\r\n\r\nabc"), 0);
  EXPECT_EQ(status_of(head + "Content-Length: 99999999999999999999999\r\n\r\n"), 413);
  EXPECT_EQ(status_of(head + "Content-Length: 1048577\r\n\r\n"), 413);
  EXPECT_EQ(status_of(head + "Content-Length: 1048576\r\n\r\n"), -1);  // at the limit: waits
  EXPECT_EQ(status_of(head + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"), 400);
  EXPECT_EQ(status_of(head + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"), 400);
}

TEST(HttpParser, TransferEncodingRules) {
  const std::string head = "POST /x HTTP/1.1\r\nHost: h\r\n";
  EXPECT_EQ(status_of(head + "Transfer-Encoding: gzip\r\n\r\n"), 501);
  EXPECT_EQ(status_of(head + "Transfer-Encoding: gzip, chunked\r\n\r\n"), 501);
  EXPECT_EQ(status_of(head + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"), 501);
  EXPECT_EQ(status_of(head + "Transfer-Encoding: CHUNKED\r\n\r\n0\r\n\r\n"), 0);
  EXPECT_EQ(status_of("POST /x HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 400);
}

TEST(HttpParser, MalformedHeadsAre400) {
  const char* cases[] = {
      "GET / HTTP/1.1\nHost: h\n\n",                 // LF-only line ends
      "GET / HTTP/1.1\r\nHost: h\n\r\n",             // one bare LF
      "GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n",  // bare CR in a value
      "GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n",  // obs-fold
      "GET / HTTP/1.1\r\n Host: h\r\n\r\n",          // whitespace before the first field
      "GET / HTTP/1.1\r\nHost : h\r\n\r\n",          // whitespace before the colon
      "GET / HTTP/1.1\r\nHo(st: h\r\n\r\n",          // non-token name
      "GET / HTTP/1.1\r\n: h\r\n\r\n",               // empty name
      "GET / HTTP/1.1\r\nNoColon\r\n\r\n",
      "GET  / HTTP/1.1\r\nHost: h\r\n\r\n",          // two spaces
      "GET / HTTP/1.1 \r\nHost: h\r\n\r\n",          // trailing space
      "GET /a b HTTP/1.1\r\nHost: h\r\n\r\n",        // space in target
      "GET / http/1.1\r\nHost: h\r\n\r\n",           // lowercase version
      "GET / HTTP/1\r\nHost: h\r\n\r\n",
      "GET /\r\nHost: h\r\n\r\n",                    // no version
      "G@T / HTTP/1.1\r\nHost: h\r\n\r\n",           // bad method char
      " GET / HTTP/1.1\r\nHost: h\r\n\r\n",
      "GET / HTTP/1.1\r\n\r\n",                      // 1.1 without Host
      "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",  // two Hosts
  };
  for (const char* c : cases) EXPECT_EQ(status_of(c), 400) << c;
}

TEST(HttpParser, ControlCharactersAre400) {
  std::string nul_value = std::string("GET / HTTP/1.1\r\nHost: h\r\nX: a") + '\0' + "b\r\n\r\n";
  EXPECT_EQ(status_of(nul_value), 400);
  std::string nul_target = std::string("GET /a") + '\0' + " HTTP/1.1\r\nHost: h\r\n\r\n";
  EXPECT_EQ(status_of(nul_target), 400);
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\nX: a\x01\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\nX: a\x7f\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET /\x7f HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
  // obs-text (bytes >= 0x80) is allowed in values.
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\nX: caf\xc3\xa9\r\n\r\n"), 0);
}

TEST(HttpParser, BareLfIsRejectedBeforeTheHeadEnds) {
  // No CRLFCRLF will ever come: answer at once instead of at the timeout.
  EXPECT_EQ(status_of("GET / HTTP/1.1\nHost: h\n"), 400);
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\n"), -1);
}

TEST(HttpParser, UnknownMethodIs501) {
  EXPECT_EQ(status_of("BREW /pot HTTP/1.1\r\nHost: h\r\n\r\n"), 501);
  EXPECT_EQ(status_of("get / HTTP/1.1\r\nHost: h\r\n\r\n"), 501);  // methods are case-sensitive
  for (const char* m : {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"}) {
    EXPECT_EQ(status_of(std::string(m) + " / HTTP/1.1\r\nHost: h\r\n\r\n"), 0) << m;
  }
}

TEST(HttpParser, SizeLimits) {
  Limits limits;
  limits.max_uri_bytes = 64;
  limits.max_header_bytes = 256;
  limits.max_header_fields = 4;
  std::string long_uri = "GET /" + std::string(100, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n";
  EXPECT_EQ(status_of(long_uri, limits), 414);
  // Known before the request line ends.
  EXPECT_EQ(status_of("GET /" + std::string(100, 'a'), limits), 414);
  std::string big_header = "GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(300, 'a') + "\r\n\r\n";
  EXPECT_EQ(status_of(big_header, limits), 431);
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(300, 'a'), limits), 431);
  std::string many = "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n";
  EXPECT_EQ(status_of(many, limits), 431);
  std::string four = "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
  EXPECT_EQ(status_of(four, limits), 0);
}

TEST(HttpParser, ReasonPhrases) {
  EXPECT_EQ(reason_phrase(200), "OK");
  EXPECT_EQ(reason_phrase(431), "Request Header Fields Too Large");
  EXPECT_EQ(reason_phrase(299), "");  // unregistered: an empty reason phrase
  EXPECT_EQ(reason_phrase(418), "I'm a teapot");
  EXPECT_EQ(reason_phrase(103), "Early Hints");
  EXPECT_EQ(reason_phrase(511), "Network Authentication Required");
  EXPECT_EQ(reason_phrase(599), "");
  EXPECT_TRUE(iequals("Content-Length", "content-LENGTH"));
  EXPECT_FALSE(iequals("Content-Length", "Content-Lengt"));
}

TEST(HttpParser, ContentLengthWithoutAValueIs400) {
  // A field with no element at all used to count as "no Content-Length": the body was then
  // read as the next request (request smuggling behind a proxy that saw a length).
  const std::string head = "POST /x HTTP/1.1\r\nHost: h\r\n";
  EXPECT_EQ(status_of(head + "Content-Length: ,\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
  EXPECT_EQ(status_of(head + "Content-Length:  , ,\t\r\n\r\n"), 400);
  EXPECT_EQ(status_of(head + "Content-Length: 3\r\nContent-Length: ,\r\n\r\nabc"), 400);
  EXPECT_EQ(status_of(head + "Content-Length: 3,\r\n\r\nabc"), 0);  // empty list elements are allowed
}

TEST(HttpParser, ChunkSizeWhitespaceOnlyBeforeAnExtension) {
  const std::string head = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  EXPECT_EQ(status_of(head + "3 \r\nabc\r\n0\r\n\r\n"), 400);
  EXPECT_EQ(status_of(head + "3\t\t\r\nabc\r\n0\r\n\r\n"), 400);
  EXPECT_EQ(status_of(head + "3\r\nabc\r\n0 \r\n\r\n"), 400);
  EXPECT_EQ(status_of(head + "3 \t;a=b\r\nabc\r\n0\r\n\r\n"), 0);
  EXPECT_EQ(status_of(head + "3 "), -1);  // the ';' may still come
}

TEST(HttpParser, TrailerSectionIsBoundedByTheHeaderLimit) {
  const std::string head = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n";
  Limits limits;
  limits.max_header_bytes = 1024;
  std::string many;
  for (int i = 0; i < 400; ++i) many += "a:\r\n";  // short lines, 1600 bytes
  EXPECT_EQ(status_of(head + many + "\r\n", limits), 431);
  EXPECT_EQ(status_of(head + many, limits), 431);  // before the section ends
  EXPECT_EQ(status_of(head + "a:\r\nb: 2\r\n\r\n", limits), 0);
}

TEST(HttpParser, FragmentIsCutOffPathAndQuery) {
  Parsed p = parse("GET /a/b?x=1#frag HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_EQ(p.result.status, ParseStatus::kComplete);
  EXPECT_EQ(p.req.target, "/a/b?x=1#frag");  // as sent
  EXPECT_EQ(p.req.path, "/a/b");
  EXPECT_EQ(p.req.query, "x=1");
  terminate_fields(p.req);
  EXPECT_STREQ(p.req.path.data(), "/a/b");
  EXPECT_STREQ(p.req.query.data(), "x=1");

  Parsed q = parse("GET /a#f?x=1 HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_EQ(q.result.status, ParseStatus::kComplete);
  EXPECT_EQ(q.req.path, "/a");
  EXPECT_EQ(q.req.query, "");
  terminate_fields(q.req);
  EXPECT_STREQ(q.req.path.data(), "/a");
  EXPECT_STREQ(q.req.query.data(), "");

  Parsed r = parse("GET http://h/p?y=2#f HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_EQ(r.result.status, ParseStatus::kComplete);
  EXPECT_EQ(r.req.path, "/p");
  EXPECT_EQ(r.req.query, "y=2");

  EXPECT_EQ(status_of("GET #f HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET http://h#f HTTP/1.1\r\nHost: h\r\n\r\n"), 0);
}

TEST(HttpParser, UnknownMethodIs501WhateverItsTarget) {
  EXPECT_EQ(status_of("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"), 501);
  EXPECT_EQ(status_of("PROPFIND x HTTP/1.1\r\nHost: h\r\n\r\n"), 501);
  EXPECT_EQ(status_of("GET example.com:443 HTTP/1.1\r\nHost: h\r\n\r\n"), 400);  // a method we serve
}

TEST(HttpParser, HostValueMustBeAnAuthority) {
  auto with_host = [](const std::string& host) {
    return status_of("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
  };
  for (const char* bad : {"a b", "a/b", "u@h", "h?q", "h#f", "\"h\"", "h\\x", "<h>", "caf\xc3\xa9"}) {
    EXPECT_EQ(with_host(bad), 400) << bad;
  }
  for (const char* good : {"", "h", "example.com:8080", "127.0.0.1", "[::1]:80", "a-b_c~d.e", "%41"}) {
    EXPECT_EQ(with_host(good), 0) << good;
  }
  EXPECT_EQ(status_of("GET / HTTP/1.0\r\nHost: a b\r\n\r\n"), 400);  // checked in 1.0 too
}

namespace {

// Feeds `full` to the parser one more byte at a time, carrying a ParseProgress as a
// connection does, and checks every answer against a fresh parse of the same prefix.
// Returns the body of the final kComplete parse ("" if none) and the final result.
std::pair<std::string, ParseResult> parse_growing(const std::string& full, const Limits& limits) {
  std::string buf;
  ParsedRequest req;
  ParseProgress progress;
  ParseResult last;
  for (std::size_t n = 0; n <= full.size(); ++n) {
    // A fresh copy each time: the buffer moves, as a connection's does when it grows.
    std::string moved = full.substr(0, n);
    ParseResult r = parse_request(moved.data(), moved.size(), limits, req, &progress);
    Parsed oneshot = parse(full.substr(0, n), limits);
    EXPECT_EQ(int(r.status), int(oneshot.result.status)) << "prefix " << n;
    EXPECT_EQ(r.error_status, oneshot.result.error_status) << "prefix " << n;
    EXPECT_EQ(r.head_done, oneshot.result.head_done) << "prefix " << n;
    last = r;
    if (r.status == ParseStatus::kComplete) {
      EXPECT_EQ(r.consumed, oneshot.result.consumed) << "prefix " << n;
      EXPECT_EQ(req.body, oneshot.req.body) << "prefix " << n;
      return {std::string(req.body), r};
    }
    if (r.status == ParseStatus::kError) return {"", r};
  }
  return {"", last};
}

}  // namespace

TEST(HttpParser, ResumingFromProgressAnswersLikeAFreshParse) {
  const std::string chunked = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  auto [body, r] = parse_growing(chunked + "5\r\nhello\r\n1;e=1\r\n \r\nA\r\n0123456789\r\n0\r\nT: x\r\n\r\nGET",
                                 Limits());
  EXPECT_EQ(r.status, ParseStatus::kComplete);
  EXPECT_EQ(body, "hello 0123456789");

  auto [cl_body, cl] = parse_growing("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 12\r\n\r\nhello world!", Limits());
  EXPECT_EQ(cl.status, ParseStatus::kComplete);
  EXPECT_EQ(cl_body, "hello world!");

  // Errors found after some chunks were checked: the same status as a fresh parse.
  EXPECT_EQ(parse_growing(chunked + "3\r\nabc\r\n3\r\nabcXY", Limits()).second.error_status, 400);
  EXPECT_EQ(parse_growing(chunked + "3\r\nabc\r\n0\r\nbad trailer\r\n", Limits()).second.error_status, 400);
  Limits small;
  small.max_body_bytes = 8;
  EXPECT_EQ(parse_growing(chunked + "5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n", small).second.error_status, 413);
  small.max_header_bytes = 200;
  std::string many;
  for (int i = 0; i < 100; ++i) many += "a:\r\n";
  EXPECT_EQ(parse_growing(chunked + "3\r\nabc\r\n0\r\n" + many, small).second.error_status, 431);
}

TEST(HttpParser, ProgressIsOnlyUsedForTheRequestItWasMadeFor) {
  // After a complete request the caller resets the progress; a progress left from an
  // incomplete head (body_start 0) is no resume point at all.
  std::string text = "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nab";
  ParsedRequest req;
  ParseProgress progress;
  ParseResult r = parse_request(text.data(), text.size(), Limits(), req, &progress);
  ASSERT_EQ(r.status, ParseStatus::kIncomplete);
  EXPECT_TRUE(r.head_done);
  EXPECT_NE(progress.body_start, 0u);
  text += "c";
  r = parse_request(text.data(), text.size(), Limits(), req, &progress);
  ASSERT_EQ(r.status, ParseStatus::kComplete);
  EXPECT_EQ(req.body, "abc");
  EXPECT_EQ(req.path, "/x");
  EXPECT_EQ(progress.body_start, 0u);  // complete: nothing to resume
}
