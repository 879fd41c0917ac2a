// cyn/lib/format_spec.hpp — Python's format-specification mini-language, for f-strings in
// nogil code (`f"{price:>10.2f}"`, `f"{n:,}"`, `f"{flags:#06x}"`, `f"{name:^12}"`).
//
// [[fill]align][sign]["z"]["#"]["0"][width][grouping][.precision][type], as format() reads it
// for int, float and str: the same output, byte for byte, for every spec Python accepts for
// the value's type. The compiler checks literal specs against Python itself, so a spec that
// reaches here is valid for its type; a malformed one (built at run time) is a ValueError.
// Widths and string precisions count code points of UTF-8 text, as Python counts characters.
//
//   auto spec = cyn::lib::parse_format_spec(">8.2f");
//   std::string a = cyn::lib::format_float(3.14159, spec);     // "    3.14"
//   std::string b = cyn::lib::format_integer(1234567, cyn::lib::parse_format_spec(","));
//                                                               // "1,234,567"
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

#include "cyn/lib/errors.hpp"
#include "cyn/lib/format.hpp"

namespace cyn::lib {

// A parsed specification. `align` is 0 when not given (numbers then align right, text left);
// `type` is 0 for none; `width`/`precision` are -1 when not given.
struct format_spec {
  std::string fill = " ";  // one code point, UTF-8
  bool fill_given = false;  // written before the alignment (else the '0' flag may set it)
  char align = 0;           // '<' '>' '^' '='
  char sign = '-';         // '-' '+' ' '
  bool no_negative_zero = false;  // 'z'
  bool alternate = false;         // '#'
  bool zero_padding = false;      // '0' before the width
  int width = -1;
  char grouping = 0;  // ',' '_'
  int precision = -1;
  char type = 0;
};

namespace detail {

inline std::size_t utf8_sequence_length(unsigned char lead) noexcept {
  return lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
}

// Code points in UTF-8 text (continuation bytes do not count).
inline std::size_t code_points(std::string_view text) noexcept {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xc0) != 0x80;
  return n;
}

inline bool is_align(char c) noexcept { return c == '<' || c == '>' || c == '^' || c == '='; }

inline int read_number(std::string_view s, std::size_t& i) {
  long value = 0;
  bool any = false;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    value = value * 10 + (s[i] - '0');
    if (value > 1000000000L) throw ValueError("Too many decimal digits in format string");
    ++i;
    any = true;
  }
  return any ? static_cast<int>(value) : -1;
}

// fill + body padded to the width, the padding placed by the alignment; with '=' it goes
// between `head` (sign and base prefix) and the digits.
inline std::string pad(std::string_view head, std::string_view body, const format_spec& spec, char default_align) {
  char align = spec.align ? spec.align : default_align;
  std::size_t length = code_points(head) + code_points(body);
  std::size_t missing = spec.width > 0 && static_cast<std::size_t>(spec.width) > length
                            ? static_cast<std::size_t>(spec.width) - length
                            : 0;
  std::string out;
  out.reserve(head.size() + body.size() + missing * spec.fill.size());
  auto fill = [&](std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out += spec.fill;
  };
  switch (align) {
    case '<':
      out.append(head).append(body);
      fill(missing);
      break;
    case '^':
      fill(missing / 2);
      out.append(head).append(body);
      fill(missing - missing / 2);
      break;
    case '=':
      out.append(head);
      fill(missing);
      out.append(body);
      break;
    default:
      fill(missing);
      out.append(head).append(body);
  }
  return out;
}

// Digits with a separator every `every` digits from the right. With zero padding ('0' flag)
// the zeros are grouped too, up to `min_length` characters, never starting with a separator
// (format(1234, '09,') is '0,001,234').
inline std::string group_digits(std::string_view digits, char separator, int every, std::size_t min_length) {
  std::string reversed;
  std::size_t count = 0;
  auto push_digit = [&](char d) {
    if (count > 0 && count % static_cast<std::size_t>(every) == 0) reversed += separator;
    reversed += d;
    ++count;
  };
  for (std::size_t i = digits.size(); i-- > 0;) push_digit(digits[i]);
  while (reversed.size() < min_length) push_digit('0');
  if (!reversed.empty() && reversed.back() == separator) reversed += '0';
  return std::string(reversed.rbegin(), reversed.rend());
}

// Splits a formatted number into the integer digits and the rest (".25", "e+03", "%").
inline void split_integer_part(std::string_view text, std::string_view& integer, std::string_view& rest) noexcept {
  std::size_t i = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  integer = text.substr(0, i);
  rest = text.substr(i);
}

// Lays out sign + prefix + digits (+ rest) with grouping, zero padding and alignment.
inline format_spec resolve_zero_flag(format_spec spec, bool number);

inline std::string layout_number(bool negative, std::string_view prefix, std::string_view digits_and_rest,
                                 const format_spec& given, bool digits_are_decimal) {
  format_spec spec = resolve_zero_flag(given, true);
  std::string head;
  if (negative) {
    head += '-';
  } else if (spec.sign == '+' || spec.sign == ' ') {
    head += spec.sign;
  }
  head.append(prefix);
  std::string_view integer, rest;
  if (digits_are_decimal) {
    split_integer_part(digits_and_rest, integer, rest);
  } else {
    integer = digits_and_rest;  // b/o/x digits (letters included)
  }
  std::string body;
  if (spec.grouping && !integer.empty()) {  // (inf and nan: no digits to group)
    int every = digits_are_decimal ? 3 : 4;
    std::size_t min_length = 0;
    if (spec.fill == "0" && spec.align == '=' && spec.width > 0) {  // zeros are grouped too
      std::size_t used = head.size() + rest.size();
      if (static_cast<std::size_t>(spec.width) > used) min_length = static_cast<std::size_t>(spec.width) - used;
    }
    body = group_digits(integer, spec.grouping, every, min_length);
    body.append(rest);
  } else {
    body.assign(integer).append(rest);
  }
  return pad(head, body, spec, '>');
}

}  // namespace detail

// Parses a specification; ValueError when it is malformed (not when it does not suit a type:
// the format functions below check that).
inline format_spec parse_format_spec(std::string_view s) {
  format_spec spec;
  std::size_t i = 0;
  std::size_t first = s.empty() ? 0 : detail::utf8_sequence_length(static_cast<unsigned char>(s[0]));
  if (s.size() > first && detail::is_align(s[first])) {
    spec.fill.assign(s.substr(0, first));
    spec.fill_given = true;
    spec.align = s[first];
    i = first + 1;
  } else if (!s.empty() && detail::is_align(s[0])) {
    spec.align = s[0];
    i = 1;
  }
  if (i < s.size() && (s[i] == '+' || s[i] == '-' || s[i] == ' ')) spec.sign = s[i++];
  if (i < s.size() && s[i] == 'z') {
    spec.no_negative_zero = true;
    ++i;
  }
  if (i < s.size() && s[i] == '#') {
    spec.alternate = true;
    ++i;
  }
  if (i < s.size() && s[i] == '0') {
    spec.zero_padding = true;
    ++i;
  }
  spec.width = detail::read_number(s, i);
  if (i < s.size() && (s[i] == ',' || s[i] == '_')) spec.grouping = s[i++];
  if (i < s.size() && s[i] == '.') {
    ++i;
    spec.precision = detail::read_number(s, i);
    if (spec.precision < 0) throw ValueError("Format specifier missing precision");
  }
  if (i < s.size()) spec.type = s[i++];
  if (i < s.size()) throw ValueError("Invalid format specifier '" + std::string(s) + "'");
  return spec;
}

namespace detail {

// The '0' flag: zeros are the fill unless one is written; without an alignment numbers pad
// after the sign ('='), text on the right (Python 3.10+).
inline format_spec resolve_zero_flag(format_spec spec, bool number) {
  if (spec.zero_padding) {
    if (!spec.fill_given) spec.fill = "0";
    if (spec.align == 0) spec.align = number ? '=' : '<';
  }
  return spec;
}

}  // namespace detail

// format(text, spec) for str: alignment, fill and precision (a maximum length).
inline std::string format_text(std::string_view text, const format_spec& spec) {
  if (spec.type != 0 && spec.type != 's')
    throw ValueError(std::string("Unknown format code '") + spec.type + "' for object of type 'str'");
  if (spec.sign != '-') throw ValueError("Sign not allowed in string format specifier");
  if (spec.alternate) throw ValueError("Alternate form (#) not allowed in string format specifier");
  if (spec.align == '=') throw ValueError("'=' alignment not allowed in string format specifier");
  if (spec.grouping) throw ValueError("Cannot specify ',' with 's'.");
  format_spec resolved = detail::resolve_zero_flag(spec, false);
  if (spec.precision >= 0) {
    std::size_t keep = 0, points = 0;
    while (keep < text.size() && points < static_cast<std::size_t>(spec.precision)) {
      keep += detail::utf8_sequence_length(static_cast<unsigned char>(text[keep]));
      ++points;
    }
    text = text.substr(0, keep < text.size() ? keep : text.size());
  }
  return detail::pad({}, text, resolved, '<');
}

inline std::string format_float(double value, const format_spec& spec);

// format(value, spec) for an int given as sign and magnitude (so that every 64-bit value,
// signed or not, is exact); a float type formats float(value), as Python does.
inline std::string format_unsigned(unsigned long long magnitude, bool negative, const format_spec& spec) {
  switch (spec.type) {
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case '%': {
      double as_double = static_cast<double>(magnitude);
      return format_float(negative ? -as_double : as_double, spec);
    }
    default:
      break;
  }
  if (spec.precision >= 0) throw ValueError("Precision not allowed in integer format specifier");
  if (spec.type == 'c') {
    if (spec.sign != '-') throw ValueError("Sign not allowed with integer format specifier 'c'");
    if (negative || magnitude > 0x10ffff) throw std::overflow_error("%c arg not in range(0x110000)");
    char utf8[4];
    std::size_t n = 0;
    auto cp = static_cast<std::uint32_t>(magnitude);
    if (cp < 0x80) {
      utf8[n++] = static_cast<char>(cp);
    } else if (cp < 0x800) {
      utf8[n++] = static_cast<char>(0xc0 | (cp >> 6));
      utf8[n++] = static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      utf8[n++] = static_cast<char>(0xe0 | (cp >> 12));
      utf8[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      utf8[n++] = static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      utf8[n++] = static_cast<char>(0xf0 | (cp >> 18));
      utf8[n++] = static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      utf8[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      utf8[n++] = static_cast<char>(0x80 | (cp & 0x3f));
    }
    return detail::pad({}, std::string_view(utf8, n), detail::resolve_zero_flag(spec, true), '<');
  }
  int base = 10;
  const char* digits = "0123456789abcdef";
  std::string_view prefix;
  switch (spec.type) {
    case 0: case 'd': case 'n': break;
    case 'b': base = 2; prefix = "0b"; break;
    case 'o': base = 8; prefix = "0o"; break;
    case 'x': base = 16; prefix = "0x"; break;
    case 'X': base = 16; prefix = "0X"; digits = "0123456789ABCDEF"; break;
    default:
      throw ValueError(std::string("Unknown format code '") + spec.type + "' for object of type 'int'");
  }
  if (spec.grouping == ',' && base != 10) throw ValueError(std::string("Cannot specify ',' with '") + spec.type + "'.");
  if (spec.grouping && spec.type == 'n') throw ValueError("Cannot specify ',' with 'n'.");
  char buffer[72];
  std::size_t n = 0;
  do {
    buffer[n++] = digits[magnitude % static_cast<unsigned>(base)];
    magnitude /= static_cast<unsigned>(base);
  } while (magnitude);
  std::string text(std::string_view(buffer, n).rbegin(), std::string_view(buffer, n).rend());
  return detail::layout_number(negative, spec.alternate ? prefix : std::string_view{}, text, spec, base == 10);
}

// format(value, spec) for int.
inline std::string format_integer(long long value, const format_spec& spec) {
  bool negative = value < 0;
  unsigned long long magnitude = negative ? 0ull - static_cast<unsigned long long>(value) : static_cast<unsigned long long>(value);
  return format_unsigned(magnitude, negative, spec);
}

inline std::string format_float(double value, const format_spec& spec) {
  char type = spec.type;
  switch (type) {
    case 0: case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case '%': case 'n': break;
    default:
      throw ValueError(std::string("Unknown format code '") + type + "' for object of type 'float'");
  }
  if (spec.grouping && type == 'n') throw ValueError("Cannot specify ',' with 'n'.");
  bool negative = std::signbit(value);
  double magnitude = std::fabs(value);
  std::string body;
  if (std::isnan(value) || std::isinf(value)) {
    bool upper = type == 'E' || type == 'F' || type == 'G';
    body = std::isnan(value) ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf");
    if (type == '%') body += '%';
    if (std::isnan(value)) negative = false;  // Python shows no sign on a NaN
  } else if (type == 0 && spec.precision < 0) {
    char buffer[kNumberBufferSize];
    body.assign(buffer, format_double(magnitude, buffer));  // repr()
    std::size_t e = body.find('e');
    if (spec.alternate && e != std::string::npos && body.find('.') == std::string::npos) body.insert(e, ".");
  } else if (type == 0 && spec.precision == 0) {
    // No type, precision 0: one significant digit, in scientific notation unless the
    // decimal exponent is negative (and at least -4), as Python lays out repr-style floats.
    char sci[kNumberBufferSize];
    std::snprintf(sci, sizeof sci, spec.alternate ? "%#.0e" : "%.0e", magnitude);
    int exponent = std::atoi(std::strchr(sci, 'e') + 1);
    if (magnitude != 0 && exponent < 0 && exponent >= -4) {
      char fixed[kNumberBufferSize];
      std::snprintf(fixed, sizeof fixed, spec.alternate ? "%#.1g" : "%.1g", magnitude);
      body = fixed;
    } else {
      body = sci;
    }
  } else {
    int precision = spec.precision >= 0 ? spec.precision : 6;
    char conversion = type == 0 || type == 'n' ? 'g' : type == '%' ? 'f' : type;
    double shown = type == '%' ? magnitude * 100 : magnitude;
    char format[16];
    std::snprintf(format, sizeof format, "%%%s.*%c", spec.alternate ? "#" : "", conversion);
    int length = std::snprintf(nullptr, 0, format, precision, shown);
    body.resize(static_cast<std::size_t>(length));
    std::snprintf(body.data(), body.size() + 1, format, precision, shown);
    if (type == 0 && body.find_first_of(".eE") == std::string::npos) body += ".0";
    if (type == '%') body += '%';
  }
  if (negative && spec.no_negative_zero && body.find_first_not_of("0.%eE+-") == std::string::npos) negative = false;
  return detail::layout_number(negative, {}, body, spec, true);
}

}  // namespace cyn::lib
