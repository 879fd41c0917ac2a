// Request accessors: see cyn/http/request.hpp.
#include "cyn/http/request.hpp"

#include <climits>
#include <cstring>

namespace cyn::http {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Appends the form-decoded `s` ('+' → space, %XY → byte; a malformed escape is kept as is).
void append_decoded(ByteBuffer& out, std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+') {
      c = ' ';
    } else if (c == '%' && i + 2 < s.size() + 0 && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
      c = char(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
      i += 2;
    }
    out.push_back(c);
  }
}

// The decoded query is a sequence of records, one per parameter, in order:
//   [key length][key bytes][value length][value bytes] NUL
// (lengths are size_t, stored unaligned). Every byte of a key or value is data, NUL
// included; the NUL after the value makes it a C string for query(name).
void append_field(ByteBuffer& out, std::string_view raw, bool is_value) {
  std::size_t at = out.size();
  std::size_t len = 0;
  out.append(&len, sizeof len);  // patched below, once the decoded length is known
  append_decoded(out, raw);
  len = out.size() - at - sizeof len;
  std::memcpy(out.data() + at, &len, sizeof len);
  if (is_value) out.push_back('\0');
}

std::string_view read_field(const char*& p) noexcept {
  std::size_t len;
  std::memcpy(&len, p, sizeof len);
  p += sizeof len;
  std::string_view field(p, len);
  p += len;
  return field;
}

}  // namespace

const char* Request::header(const char* name) const noexcept {
  if (name == nullptr) return nullptr;
  const HeaderField* f = parsed_.find_header(name);
  return f ? f->value.data() : nullptr;
}

std::string_view Request::find_query(std::string_view name) const noexcept {
  std::string_view q = parsed_.query;
  while (!q.empty()) {
    std::size_t amp = q.find('&');
    std::string_view pair = q.substr(0, amp);
    std::size_t eq = pair.find('=');
    // An empty pair ("a=1&&b=2") is no parameter at all, as for query().
    if (!pair.empty() && pair.substr(0, eq) == name) {
      // "?flag" (no '=') is present with an empty value.
      return eq == std::string_view::npos ? std::string_view(pair.data() + pair.size(), 0)
                                          : pair.substr(eq + 1);
    }
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return std::string_view();
}

long Request::query_int(const char* name, long dflt) const noexcept {
  if (name == nullptr) return dflt;
  std::string_view v = find_query(name);
  if (v.data() == nullptr || v.empty()) return dflt;
  bool negative = v[0] == '-';
  if (negative) v.remove_prefix(1);
  if (v.empty()) return dflt;
  unsigned long acc = 0;
  const unsigned long limit = negative ? 0UL - static_cast<unsigned long>(LONG_MIN) : LONG_MAX;
  for (char c : v) {
    if (c < '0' || c > '9') return dflt;
    unsigned d = unsigned(c - '0');
    if (acc > (limit - d) / 10) return dflt;
    acc = acc * 10 + d;
  }
  return negative ? static_cast<long>(0UL - acc) : static_cast<long>(acc);
}

const char* Request::query_raw(const char* name, std::size_t* len) const noexcept {
  if (name == nullptr) return nullptr;
  std::string_view v = find_query(name);
  if (v.data() == nullptr) return nullptr;
  if (len) *len = v.size();
  return v.data();
}

void Request::decode_query() noexcept {
  decoded_query_.clear();
  std::string_view q = parsed_.query;
  try {
    // Decoding never grows the text, so the query's size plus a fixed overhead per pair
    // bounds the buffer: reserved up front, nothing below reallocates.
    std::size_t pairs = 1;
    for (char c : q) pairs += c == '&';
    decoded_query_.reserve(q.size() + pairs * (2 * sizeof(std::size_t) + 1));
    while (!q.empty()) {
      std::size_t amp = q.find('&');
      std::string_view pair = q.substr(0, amp);
      if (!pair.empty()) {
        std::size_t eq = pair.find('=');
        append_field(decoded_query_, pair.substr(0, eq), false);
        append_field(decoded_query_, eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1),
                     true);
      }
      if (amp == std::string_view::npos) break;
      q.remove_prefix(amp + 1);
    }
  } catch (...) {
    decoded_query_.clear();  // out of memory: behave as if the query were empty
  }
  decoded_query_ready_ = true;
}

const char* Request::query(const char* name, std::size_t* len) noexcept {
  if (name == nullptr) return nullptr;
  if (!decoded_query_ready_) decode_query();
  const std::string_view want(name);
  const char* p = decoded_query_.data();
  const char* end = p + decoded_query_.size();
  while (p < end) {
    std::string_view key = read_field(p);
    std::string_view value = read_field(p);
    ++p;  // the value's NUL
    if (key == want) {
      if (len) *len = value.size();
      return value.data();
    }
  }
  return nullptr;
}

}  // namespace cyn::http
