// cyn/lib/format.hpp — numbers to text the way Python's repr() writes them.
//
// Integers in decimal; floats in the shortest form that reads back to the same double
// (std::to_chars), laid out as Python's repr: fixed notation with at least one fractional
// digit for exponents in [-4, 16), scientific ("1e+16", "1.5e-07") outside, and "inf",
// "-inf", "nan".
//
//   char buf[cyn::lib::kNumberBufferSize];
//   std::size_t n = cyn::lib::format_double(0.1, buf);   // "0.1", n == 3
//   n = cyn::lib::format_double(1.0, buf);               // "1.0"
#pragma once

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <system_error>

namespace cyn::lib {

// Room for any number written by this header (longest: "-1.7976931348623157e+308", or 20
// digits and a sign for a 64-bit integer).
inline constexpr std::size_t kNumberBufferSize = 40;

// Writes `value` in decimal into `out` (kNumberBufferSize bytes); returns the length.
inline std::size_t format_long(long long value, char* out) noexcept {
  auto r = std::to_chars(out, out + kNumberBufferSize, value);
  return static_cast<std::size_t>(r.ptr - out);
}
inline std::size_t format_ulong(unsigned long long value, char* out) noexcept {
  auto r = std::to_chars(out, out + kNumberBufferSize, value);
  return static_cast<std::size_t>(r.ptr - out);
}

// Writes repr(value) into `out` (kNumberBufferSize bytes); returns the length.
inline std::size_t format_double(double value, char* out) noexcept {
  if (std::isnan(value)) {
    std::memcpy(out, "nan", 3);
    return 3;
  }
  if (std::isinf(value)) {
    if (value < 0) {
      std::memcpy(out, "-inf", 4);
      return 4;
    }
    std::memcpy(out, "inf", 3);
    return 3;
  }
  // Shortest round-trip digits in scientific form: "-d.ddde±XX".
  char sci[kNumberBufferSize];
  auto r = std::to_chars(sci, sci + sizeof sci, value, std::chars_format::scientific);
  std::size_t sci_len = static_cast<std::size_t>(r.ptr - sci);
  const char* p = sci;
  char* o = out;
  if (*p == '-') *o++ = *p++;
  char digits[24];
  std::size_t ndigits = 0;
  while (*p != 'e') {
    if (*p != '.') digits[ndigits++] = *p;
    ++p;
  }
  int exponent = 0;
  std::from_chars(p[1] == '+' ? p + 2 : p + 1, sci + sci_len, exponent);
  if (exponent < -4 || exponent >= 16) {
    // Python keeps the scientific layout of to_chars (two-digit minimum exponent).
    std::memcpy(out, sci, sci_len);
    return sci_len;
  }
  if (exponent < 0) {
    *o++ = '0';
    *o++ = '.';
    for (int i = -1; i > exponent; --i) *o++ = '0';
    std::memcpy(o, digits, ndigits);
    o += ndigits;
  } else {
    std::size_t int_digits = static_cast<std::size_t>(exponent) + 1;
    for (std::size_t i = 0; i < int_digits; ++i) *o++ = i < ndigits ? digits[i] : '0';
    *o++ = '.';
    if (ndigits > int_digits) {
      std::memcpy(o, digits + int_digits, ndigits - int_digits);
      o += ndigits - int_digits;
    } else {
      *o++ = '0';
    }
  }
  return static_cast<std::size_t>(o - out);
}

}  // namespace cyn::lib
