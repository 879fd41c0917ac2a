// http_parse_json — runs the HTTP request parser on stdin and prints what it found as one
// JSON object. The differential test (tests/http/test_h11_differential.py) feeds the same
// bytes to h11 and compares. Byte strings are printed with each byte as one code point
// (decode with .encode("latin-1")).
//
//   printf 'GET /a?b HTTP/1.1\r\nHost: h\r\n\r\n' | http_parse_json
//   {"status":"complete","consumed":31,"method":"GET",...}
#include <cstdio>
#include <string>
#include <string_view>

#include "cyn/http/parser.hpp"

using namespace cyn::http;

namespace {

void put_bytes(std::string_view s) {
  std::putchar('"');
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') std::printf("\\%c", c);
    else if (c >= 0x20 && c < 0x7f) std::putchar(c);
    else std::printf("\\u%04x", c);
  }
  std::putchar('"');
}

}  // namespace

int main() {
  std::string input;
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) input.append(buf, n);

  static ParsedRequest req;
  ParseResult r = parse_request(input.data(), input.size(), Limits(), req);
  if (r.status == ParseStatus::kError) {
    std::printf("{\"status\":\"error\",\"error\":%d}\n", r.error_status);
    return 0;
  }
  if (r.status == ParseStatus::kIncomplete) {
    std::printf("{\"status\":\"incomplete\"}\n");
    return 0;
  }
  std::printf("{\"status\":\"complete\",\"consumed\":%zu,\"method\":", r.consumed);
  put_bytes(req.method);
  std::printf(",\"target\":");
  put_bytes(req.target);
  std::printf(",\"path\":");
  put_bytes(req.path);
  std::printf(",\"query\":");
  put_bytes(req.query);
  std::printf(",\"version\":\"1.%d\",\"keep_alive\":%s,\"chunked\":%s,\"headers\":[", req.minor_version,
              req.keep_alive ? "true" : "false", req.chunked ? "true" : "false");
  for (std::size_t i = 0; i < req.header_count; ++i) {
    std::printf(i ? ",[" : "[");
    put_bytes(req.headers[i].name);
    std::putchar(',');
    put_bytes(req.headers[i].value);
    std::putchar(']');
  }
  std::printf("],\"body\":");
  put_bytes(req.body);
  std::printf("}\n");
  return 0;
}
