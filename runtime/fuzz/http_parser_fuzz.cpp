// libFuzzer target for the HTTP request parser (cyn/http/parser.hpp).
//
//   cmake -S . -B build-fuzz -G Ninja -DCYN_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++
//   cmake --build build-fuzz --target http_parser_fuzz
//   build-fuzz/runtime/http_parser_fuzz runtime/fuzz/corpus/http_parser -max_total_time=60
//
// Besides memory safety (ASan/UBSan), it checks the parser's promises on every input:
// views stay inside the buffer, consumed <= length, error statuses come from the promised
// set, NUL-terminating fields stays in bounds, and a complete request is incomplete (never
// complete, never an error) when its last byte is missing — the property the connection
// loop relies on when it parses again after each read. The first input byte picks small or
// default limits so the limit paths are reached too.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "cyn/http/parser.hpp"
// The parser's source is compiled into this target so that it carries the fuzzer's coverage
// instrumentation and the sanitizers (libcyn itself is built without them); its definitions
// take precedence over libcyn's copies.
#include "../src/http/parser.cpp"

using namespace cyn::http;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

bool inside(std::string_view v, const char* begin, std::size_t len) {
  if (v.data() == nullptr) return v.empty();
  if (v.size() == 1 && v == "/" && (v.data() < begin || v.data() >= begin + len)) return true;  // root path
  return v.data() >= begin && v.data() + v.size() <= begin + len;
}

bool promised_status(int s) {
  return s == 400 || s == 413 || s == 414 || s == 431 || s == 501 || s == 505;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  Limits limits;
  if (data[0] & 1) {
    limits.max_header_bytes = 256;
    limits.max_uri_bytes = 64;
    limits.max_body_bytes = 128;
    limits.max_header_fields = 4;
  }
  ++data;
  --size;

  std::vector<char> buf(data, data + size);
  static ParsedRequest req;  // 4 KiB: not on the fuzzer's stack each run
  ParseResult r = parse_request(buf.data(), buf.size(), limits, req);
  switch (r.status) {
    case ParseStatus::kError:
      check(promised_status(r.error_status));
      break;
    case ParseStatus::kIncomplete:
      check(r.need > size);
      break;
    case ParseStatus::kComplete: {
      check(r.consumed > 0 && r.consumed <= size);
      const char* b = buf.data();
      check(inside(req.method, b, size) && inside(req.target, b, size) && inside(req.path, b, size));
      check(inside(req.body, b, size));
      check(req.header_count <= limits.max_header_fields);
      for (std::size_t i = 0; i < req.header_count; ++i) {
        check(!req.headers[i].name.empty());
        check(inside(req.headers[i].name, b, size) && inside(req.headers[i].value, b, size));
      }
      check(req.body.size() <= limits.max_body_bytes);
      check(!(req.chunked && req.content_length >= 0));
      terminate_fields(req);
      // One byte short of the request: must ask for more.
      std::vector<char> shorter(data, data + r.consumed - 1);
      static ParsedRequest again;
      ParseResult p = parse_request(shorter.data(), shorter.size(), limits, again);
      check(p.status == ParseStatus::kIncomplete);
      break;
    }
  }
  return 0;
}
