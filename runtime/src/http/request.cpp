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

}  // namespace

const char* Request::header(const char* name) const noexcept {
  const HeaderField* f = parsed_.find_header(name);
  return f ? f->value.data() : nullptr;
}

std::string_view Request::find_query(std::string_view name) const noexcept {
  std::string_view q = parsed_.query;
  while (!q.empty()) {
    std::size_t amp = q.find('&');
    std::string_view pair = q.substr(0, amp);
    std::size_t eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    if (key == name) {
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
  std::string_view v = find_query(name);
  if (v.data() == nullptr) return nullptr;
  if (len) *len = v.size();
  return v.data();
}

const char* Request::query(const char* name) noexcept {
  if (!decoded_query_ready_) {
    decoded_query_.clear();
    std::string_view q = parsed_.query;
    try {
      // Decoding never grows the text: size + 2 NULs per pair bounds the buffer up front.
      decoded_query_.reserve(q.size() * 2 + 2);
      while (!q.empty()) {
        std::size_t amp = q.find('&');
        std::string_view pair = q.substr(0, amp);
        if (!pair.empty()) {
          std::size_t eq = pair.find('=');
          append_decoded(decoded_query_, pair.substr(0, eq));
          decoded_query_.push_back('\0');
          if (eq != std::string_view::npos) append_decoded(decoded_query_, pair.substr(eq + 1));
          decoded_query_.push_back('\0');
        }
        if (amp == std::string_view::npos) break;
        q.remove_prefix(amp + 1);
      }
    } catch (...) {
      decoded_query_.clear();  // out of memory: behave as if the query were empty
    }
    decoded_query_ready_ = true;
  }
  const char* p = decoded_query_.data();
  const char* end = p + decoded_query_.size();
  while (p < end) {
    const char* key = p;
    p += std::strlen(p) + 1;
    const char* value = p;
    p += std::strlen(p) + 1;
    if (std::strcmp(key, name) == 0) return value;
  }
  return nullptr;
}

}  // namespace cyn::http
