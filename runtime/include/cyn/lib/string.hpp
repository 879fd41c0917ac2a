// cyn/lib/string.hpp — lib.string: an immutable UTF-8 byte string with str-like methods.
//
// A nogil object (always used through cyn::Ref<string>) holding bytes, as Python's str
// holds characters; lengths and indices count bytes (bytes semantics), and upper/lower only
// touch ASCII. Strings up to 23 bytes live inside the 64-byte object (one allocation);
// longer ones have one heap block. Immutable, so a string may be shared between threads
// freely and its hash is computed once. Equality, order and hash are by content, so a
// string is a dict key and a set member.
//
//   auto s = cyn::make<cyn::lib::string>("  a,b,,c ");
//   auto parts = s->strip()->split(",");          // ["a", "b", "", "c"]
//   auto joined = cyn::make<cyn::lib::string>("-")->join(parts);   // "a-b--c"
//   auto n = cyn::lib::string::from_double(0.1);   // "0.1"
//   puts(joined->c_str());
//
// Arguments that are "some text" take a string_arg: a Ref<string>, a string, a C string
// or a std::string_view all convert to it without copying. None there is a TypeError, as
// for Python's str methods, except where Python reads None as "whitespace" (split, strip,
// lstrip, rstrip take a string_or_none).
//
// Invariants: data_[size_] == '\0' (c_str() is free); the bytes never change after
// construction; hash_ is 0 until computed, and a computed hash is never 0.
#pragma once

#include <atomic>
#include <bit>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "cyn/lib/element.hpp"
#include "cyn/lib/errors.hpp"
#include "cyn/lib/format.hpp"
#include "cyn/lib/hash_table.hpp"
#include "cyn/lib/list.hpp"
#include "cyn/lib/memory.hpp"
#include "cyn/lib/slice.hpp"
#include "cyn/object.hpp"

namespace cyn::lib {

class string;

// Python's TypeError for None where a str method wants text ("a".find(None)).
[[noreturn, gnu::cold, gnu::noinline]] inline void throw_none_for_text() {
  throw TypeError("must be str, not NoneType");
}

// A read-only view of some text passed to a string method (no copy is made). Made from None
// (a null Ref or C string; a literal nullptr takes the C string way) it raises TypeError;
// the conversion runs in the caller, so the methods taking one stay noexcept.
struct string_arg {
  std::string_view view;
  string_arg(std::string_view v) noexcept : view(v) {}
  string_arg(const char* s) {
    if (!s) throw_none_for_text();
    view = s;
  }
  string_arg(const std::string& s) noexcept : view(s) {}
  inline string_arg(const string& s) noexcept;
  inline string_arg(const Ref<string>& s);
};

// Text, or None where Python reads None as "the default" (s.split(None) and s.strip(None)
// work on whitespace).
//   s->split(nullptr, 1);   // as s.split(None, 1)
struct string_or_none {
  std::string_view view;
  bool none = false;
  string_or_none(std::nullptr_t) noexcept : none(true) {}
  inline string_or_none(const Ref<string>& s) noexcept;
  template <class Text>
    requires(std::is_constructible_v<string_arg, Text &&> &&
             !std::is_same_v<std::remove_cvref_t<Text>, Ref<string>> &&
             !std::is_same_v<std::remove_cvref_t<Text>, std::nullptr_t>)
  string_or_none(Text&& text) : view(string_arg(std::forward<Text>(text)).view) {}
};

class string : public Object {
  // Working text while building a result, on the runtime heap.
  using scratch = std::basic_string<char, std::char_traits<char>, heap_allocator<char>>;

 public:
  using list_type = list<Ref<string>>;
  static constexpr std::size_t kInlineCapacity = 23;
  static constexpr const char* python_type_name = "str";

  string() noexcept : data_(inline_), size_(0) { inline_[0] = '\0'; }
  string(const char* s) : string(s, std::strlen(s)) {}
  string(const char* s, std::size_t n) : string(uninitialised{}, n) { copy_in(s, n); }
  string(std::string_view v) : string(v.data(), v.size()) {}
  string(const string& other) : string(other.data_, other.size_) {}
  string& operator=(const string&) = delete;
  ~string() override {
    if (data_ != inline_) free_array(data_);
  }

  // ---- construction from numbers (Python's str()/repr() of them) --------------------
  static Ref<string> from_long(long long value) {
    char buf[kNumberBufferSize];
    return make<string>(buf, format_long(value, buf));
  }
  static Ref<string> from_ulong(unsigned long long value) {
    char buf[kNumberBufferSize];
    return make<string>(buf, format_ulong(value, buf));
  }
  // Shortest text that reads back as the same double, laid out as Python's repr().
  static Ref<string> from_double(double value) {
    char buf[kNumberBufferSize];
    return make<string>(buf, format_double(value, buf));
  }

  // ---- access ------------------------------------------------------------------------
  const char* data() const noexcept { return data_; }
  const char* c_str() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }
  index_t len() const noexcept { return static_cast<index_t>(size_); }
  bool empty() const noexcept { return size_ == 0; }
  std::string_view view() const noexcept { return {data_, size_}; }
  operator std::string_view() const noexcept { return view(); }
  std::string str() const { return std::string(data_, size_); }

  // s[i]: the byte at i (0..255), negative i from the end; IndexError outside.
  int getitem(index_t i) const {
    return static_cast<unsigned char>(data_[checked_index(i, size_, "index out of range")]);
  }
  // s[start:stop:step] (NONE for an omitted bound).
  Ref<string> slice(index_t start, index_t stop, index_t step = 1) const {
    slice_range r = slice_indices(len(), start, stop, step);
    if (r.step == 1) return make<string>(data_ + r.start, static_cast<std::size_t>(r.count));
    Ref<string> out = with_size(static_cast<std::size_t>(r.count));
    char* w = out->buffer();
    for (index_t k = 0, i = r.start; k < r.count; ++k, i += r.step) w[k] = data_[i];
    return out;
  }

  // ---- comparison and hashing -------------------------------------------------------
  // <0, 0, >0 as the bytes compare (UTF-8 byte order is code point order).
  int compare(string_arg other) const noexcept {
    std::string_view o = other.view;
    std::size_t n = size_ < o.size() ? size_ : o.size();
    int c = n ? std::memcmp(data_, o.data(), n) : 0;
    if (c != 0) return c;
    return size_ < o.size() ? -1 : (size_ > o.size() ? 1 : 0);
  }
  bool eq(string_arg other) const noexcept {
    return other.view.size() == size_ && (size_ == 0 || std::memcmp(data_, other.view.data(), size_) == 0);
  }
  bool lt(string_arg other) const noexcept { return compare(other) < 0; }
  bool le(string_arg other) const noexcept { return compare(other) <= 0; }
  bool gt(string_arg other) const noexcept { return compare(other) > 0; }
  bool ge(string_arg other) const noexcept { return compare(other) >= 0; }
  friend bool operator==(const string& a, const string& b) noexcept { return a.eq(b); }
  friend bool operator<(const string& a, const string& b) noexcept { return a.compare(b) < 0; }
  // Content hash, computed on first use and remembered (the bytes never change).
  std::uint64_t hash() const noexcept {
    std::uint64_t h = hash_.load(std::memory_order_relaxed);
    if (h == 0) {
      h = hash_of(view());  // the same as a lookup by text
      hash_.store(h, std::memory_order_relaxed);
    }
    return h;
  }

  // ---- searching ---------------------------------------------------------------------
  // s.find(sub[, start[, end]]): lowest index of sub in s[start:end], or -1.
  index_t find(string_arg sub, index_t start = 0, index_t end = max_index()) const noexcept {
    std::size_t from, to;
    if (!search_window(sub.view.size(), start, end, from, to)) return -1;
    std::string_view window(data_ + from, to - from);
    std::size_t at = window.find(sub.view);
    return at == std::string_view::npos ? -1 : static_cast<index_t>(from + at);
  }
  // s.rfind(sub[, start[, end]]): highest index of sub in s[start:end], or -1.
  index_t rfind(string_arg sub, index_t start = 0, index_t end = max_index()) const noexcept {
    std::size_t from, to;
    if (!search_window(sub.view.size(), start, end, from, to)) return -1;
    std::string_view window(data_ + from, to - from);
    std::size_t at = window.rfind(sub.view);
    return at == std::string_view::npos ? -1 : static_cast<index_t>(from + at);
  }
  // s.index(sub[, start[, end]]) / s.rindex(...): find() / rfind() that raise ValueError
  // instead of returning -1.
  index_t index(string_arg sub, index_t start = 0, index_t end = max_index()) const {
    index_t at = find(sub, start, end);
    if (at < 0) throw ValueError("substring not found");
    return at;
  }
  index_t rindex(string_arg sub, index_t start = 0, index_t end = max_index()) const {
    index_t at = rfind(sub, start, end);
    if (at < 0) throw ValueError("substring not found");
    return at;
  }
  // Non-overlapping occurrences of sub in s[start:end] (len+1 for an empty sub).
  index_t count(string_arg sub, index_t start = 0, index_t end = max_index()) const noexcept {
    std::size_t from, to;
    if (!search_window(sub.view.size(), start, end, from, to)) return 0;
    if (sub.view.empty()) return static_cast<index_t>(to - from + 1);
    std::string_view window(data_ + from, to - from);
    index_t n = 0;
    for (std::size_t at = window.find(sub.view); at != std::string_view::npos;
         at = window.find(sub.view, at + sub.view.size()))
      ++n;
    return n;
  }
  // `sub in s`.
  bool contains(string_arg sub) const noexcept { return view().find(sub.view) != std::string_view::npos; }
  // s.startswith(prefix[, start[, end]]) / s.endswith(...): whether s[start:end] starts
  // (ends) with it; Python's window rules, so "abc".startswith("", 3) but not ("", 4).
  bool startswith(string_arg prefix, index_t start = 0, index_t end = max_index()) const noexcept {
    std::size_t from, to;
    if (!search_window(prefix.view.size(), start, end, from, to)) return false;
    return std::string_view(data_ + from, prefix.view.size()) == prefix.view;
  }
  bool endswith(string_arg suffix, index_t start = 0, index_t end = max_index()) const noexcept {
    std::size_t from, to;
    if (!search_window(suffix.view.size(), start, end, from, to)) return false;
    return std::string_view(data_ + to - suffix.view.size(), suffix.view.size()) == suffix.view;
  }

  // ---- splitting and joining -------------------------------------------------------
  // s.split(sep[, maxsplit]); ValueError("empty separator") for an empty sep; a None sep
  // splits on whitespace, as split() does.
  Ref<list_type> split(string_or_none sep, index_t maxsplit = -1) const {
    if (sep.none) return split_whitespace(maxsplit);
    if (sep.view.empty()) throw ValueError("empty separator");
    auto out = make<list_type>();
    std::string_view rest = view();
    while (maxsplit != 0) {
      std::size_t at = rest.find(sep.view);
      if (at == std::string_view::npos) break;
      out->append(make<string>(rest.substr(0, at)));
      rest.remove_prefix(at + sep.view.size());
      if (maxsplit > 0) --maxsplit;
    }
    out->append(make<string>(rest));
    return out;
  }
  // s.split(): runs of ASCII whitespace separate, ends are ignored, no empty parts.
  Ref<list_type> split() const { return split_whitespace(-1); }
  Ref<list_type> split_whitespace(index_t maxsplit) const {
    auto out = make<list_type>();
    std::size_t i = 0;
    while (true) {
      while (i < size_ && is_space(data_[i])) ++i;
      if (i == size_) break;
      if (maxsplit == 0) {  // the rest, leading whitespace removed, trailing kept
        out->append(make<string>(data_ + i, size_ - i));
        break;
      }
      std::size_t j = i;
      while (j < size_ && !is_space(data_[j])) ++j;
      out->append(make<string>(data_ + i, j - i));
      i = j;
      if (maxsplit > 0) --maxsplit;
    }
    return out;
  }
  // sep.join(parts): the parts with this string between them; a None part is Python's
  // TypeError ("sequence item 1: expected str instance, NoneType found").
  Ref<string> join(const list_type& parts) const {
    std::size_t n = parts.size();
    if (n == 0) return make<string>();
    std::size_t total = size_ * (n - 1);
    for (std::size_t i = 0; i < n; ++i) {
      if (!parts[i]) throw TypeError("sequence item " + std::to_string(i) + ": expected str instance, NoneType found");
      total += parts[i]->size_;
    }
    Ref<string> out = with_size(total);
    char* w = out->buffer();
    for (std::size_t i = 0; i < n; ++i) {
      if (i) {
        std::memcpy(w, data_, size_);
        w += size_;
      }
      std::memcpy(w, parts[i]->data_, parts[i]->size_);
      w += parts[i]->size_;
    }
    return out;
  }
  Ref<string> join(const Ref<list_type>& parts) const {
    if (!parts) throw TypeError("can only join an iterable");
    return join(*parts);
  }

  // The pieces one after the other, in one allocation (f-strings in nogil code).
  static Ref<string> concat(std::initializer_list<std::string_view> pieces) {
    std::size_t total = 0;
    for (std::string_view piece : pieces) total += piece.size();
    Ref<string> out = with_size(total);
    char* w = out->buffer();
    for (std::string_view piece : pieces) {
      if (!piece.empty()) std::memcpy(w, piece.data(), piece.size());
      w += piece.size();
    }
    return out;
  }

  // ---- new strings -----------------------------------------------------------------
  // s.strip() / lstrip() / rstrip(): without ASCII whitespace at the ends.
  Ref<string> strip() const { return trimmed(true, true, nullptr); }
  Ref<string> lstrip() const { return trimmed(true, false, nullptr); }
  Ref<string> rstrip() const { return trimmed(false, true, nullptr); }
  // s.strip(chars): without any of the bytes in `chars` at the ends (whitespace for None).
  Ref<string> strip(string_or_none chars) const { return trimmed(true, true, chars.none ? nullptr : &chars.view); }
  Ref<string> lstrip(string_or_none chars) const { return trimmed(true, false, chars.none ? nullptr : &chars.view); }
  Ref<string> rstrip(string_or_none chars) const { return trimmed(false, true, chars.none ? nullptr : &chars.view); }

  // s.replace(old, new[, count]): the first `count` (all when negative) occurrences of old
  // replaced; an empty old matches before every byte and at the end, as in Python.
  Ref<string> replace(string_arg old, string_arg replacement, index_t count = -1) const {
    std::string_view from = old.view, to = replacement.view;
    std::size_t limit = count < 0 ? std::numeric_limits<std::size_t>::max() : static_cast<std::size_t>(count);
    scratch out;  // on the runtime heap, like every container
    out.reserve(size_);
    std::size_t done = 0;
    if (from.empty()) {
      for (std::size_t i = 0; i <= size_; ++i) {
        if (done < limit) {
          out.append(to);
          ++done;
        }
        if (i < size_) out.push_back(data_[i]);
      }
      return make<string>(out.data(), out.size());
    }
    std::string_view rest = view();
    while (done < limit) {
      std::size_t at = rest.find(from);
      if (at == std::string_view::npos) break;
      out.append(rest.substr(0, at));
      out.append(to);
      rest.remove_prefix(at + from.size());
      ++done;
    }
    if (done == 0) return Ref<string>(const_cast<string*>(this));  // unchanged: share it
    out.append(rest);
    return make<string>(out.data(), out.size());
  }

  Ref<string> upper() const { return mapped([](char c) { return c >= 'a' && c <= 'z' ? char(c - 32) : c; }); }
  Ref<string> lower() const { return mapped([](char c) { return c >= 'A' && c <= 'Z' ? char(c + 32) : c; }); }

  // s + other.
  Ref<string> add(string_arg other) const {
    Ref<string> out = with_size(size_ + other.view.size());
    std::memcpy(out->buffer(), data_, size_);
    std::memcpy(out->buffer() + size_, other.view.data(), other.view.size());
    return out;
  }
  // s * times (empty when times <= 0).
  Ref<string> repeat(index_t times) const {
    if (times <= 0 || size_ == 0) return make<string>();
    Ref<string> out = with_size(size_ * static_cast<std::size_t>(times));
    for (index_t t = 0; t < times; ++t) std::memcpy(out->buffer() + size_ * t, data_, size_);
    return out;
  }

  // ---- parsing (Python's int(s) / float(s)) -------------------------------------------
  // int(s): optional whitespace and sign around decimal digits ('_' between digits).
  // ValueError for anything else, std::overflow_error (OverflowError) beyond a long long.
  long long to_long() const {
    std::string_view t = trimmed_view(nullptr, true, true);
    scratch digits;
    bool negative = false;
    std::size_t i = 0;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) negative = t[i++] == '-';
    bool ok = i < t.size();
    for (; ok && i < t.size(); ++i) {
      char c = t[i];
      if (c >= '0' && c <= '9') digits.push_back(c);
      else if (c == '_' && !digits.empty() && i + 1 < t.size() && t[i + 1] >= '0' && t[i + 1] <= '9') continue;
      else ok = false;
    }
    if (!ok) throw ValueError("invalid literal for int() with base 10: " + repr());
    unsigned long long magnitude = 0;
    auto r = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude);
    unsigned long long limit = negative ? 1ull << 63 : (1ull << 63) - 1;
    if (r.ec == std::errc::result_out_of_range || magnitude > limit)
      throw std::overflow_error("int too large to convert to C long");
    return negative ? static_cast<long long>(0 - magnitude) : static_cast<long long>(magnitude);
  }
  // float(s): a decimal or scientific number ('_' between digits), "inf", "infinity",
  // "nan" (any case), optional whitespace and sign; ValueError otherwise. Too large a
  // number is inf and too small one 0.0, as Python rounds them.
  double to_double() const {
    std::string_view trimmed = trimmed_view(nullptr, true, true);
    scratch text;  // without the underscores
    bool ok = !trimmed.empty();
    for (std::size_t i = 0; ok && i < trimmed.size(); ++i) {
      if (trimmed[i] != '_') text.push_back(trimmed[i]);
      else ok = i > 0 && is_digit(trimmed[i - 1]) && i + 1 < trimmed.size() && is_digit(trimmed[i + 1]);
    }
    std::string_view t = text;
    bool negative = false;
    if (!t.empty() && (t[0] == '+' || t[0] == '-')) {
      negative = t[0] == '-';
      t.remove_prefix(1);
    }
    // from_chars also reads "nan(chars)", which float() does not
    ok = ok && !t.empty() && t[0] != '-' && t[0] != '+' && t.find('(') == std::string_view::npos;
    double value = 0;
    auto r = std::from_chars(t.data(), t.data() + t.size(), value);
    ok = ok && r.ptr == t.data() + t.size() && (r.ec == std::errc() || r.ec == std::errc::result_out_of_range);
    if (!ok) throw ValueError("could not convert string to float: " + repr());
    if (r.ec == std::errc::result_out_of_range)  // from_chars leaves the value alone then
      value = beyond_one(t) ? std::numeric_limits<double>::infinity() : 0.0;
    return negative ? -value : value;
  }

  // repr(s): quoted like Python's str repr (' unless the text has ' and no "), escaping
  // backslash, the quote, \t \n \r and other control bytes as \xNN.
  std::string repr() const {
    std::string_view v = view();
    char quote = (v.find('\'') != std::string_view::npos && v.find('"') == std::string_view::npos) ? '"' : '\'';
    std::string out(1, quote);
    for (char ch : v) {
      unsigned char c = static_cast<unsigned char>(ch);
      if (ch == quote || ch == '\\') {
        out.push_back('\\');
        out.push_back(ch);
      } else if (ch == '\n') {
        out += "\\n";
      } else if (ch == '\r') {
        out += "\\r";
      } else if (ch == '\t') {
        out += "\\t";
      } else if (c < 0x20 || c == 0x7f) {
        static const char hex[] = "0123456789abcdef";
        out += "\\x";
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 15]);
      } else {
        out.push_back(ch);  // printable ASCII and UTF-8 sequences as they are
      }
    }
    out.push_back(quote);
    return out;
  }

 private:
  struct uninitialised {};
  // Room for n bytes (and the terminating NUL, already written) to fill through buffer().
  string(uninitialised, std::size_t n) : size_(n) {
    if (n <= kInlineCapacity) {
      data_ = inline_;
    } else {
      data_ = allocate_array<char>(n + 1);
    }
    data_[n] = '\0';
  }
  static Ref<string> with_size(std::size_t n) { return Ref<string>::adopt_new(new string(uninitialised{}, n)); }
  char* buffer() noexcept { return data_; }  // only while the string is being built
  void copy_in(const char* s, std::size_t n) noexcept {
    if (n) std::memcpy(data_, s, n);
  }

  static constexpr index_t max_index() noexcept { return std::numeric_limits<index_t>::max(); }
  static bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
  }
  static bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

  // Whether a decimal number (digits, a point, an exponent; checked already) is at least 1:
  // its first nonzero digit's power of ten plus the exponent. A number that does not fit a
  // double is then too large (inf), else too small (0.0).
  static bool beyond_one(std::string_view number) noexcept {
    std::size_t i = 0;
    long long int_digits = 0, first_nonzero = -1, fraction_zeros = 0;
    for (; i < number.size() && is_digit(number[i]); ++i) {
      if (first_nonzero < 0 && number[i] != '0') first_nonzero = int_digits;
      ++int_digits;
    }
    long long power;
    if (first_nonzero >= 0) {
      power = int_digits - 1 - first_nonzero;
    } else {
      if (i < number.size() && number[i] == '.') ++i;
      while (i < number.size() && number[i] == '0') ++i, ++fraction_zeros;
      power = -1 - fraction_zeros;
    }
    while (i < number.size() && number[i] != 'e' && number[i] != 'E') ++i;
    long long exponent = 0;
    if (i < number.size()) {
      bool negative = ++i < number.size() && number[i] == '-';
      if (i < number.size() && (number[i] == '-' || number[i] == '+')) ++i;
      for (; i < number.size() && is_digit(number[i]); ++i)
        if (exponent < 1'000'000'000) exponent = exponent * 10 + (number[i] - '0');
      if (negative) exponent = -exponent;
    }
    return power + exponent >= 0;
  }

  // Python's bounds for find/count: slice-style start/end; false when the window cannot
  // hold `needle` bytes (so an empty needle is still found at a start == len).
  bool search_window(std::size_t needle, index_t start, index_t end, std::size_t& from,
                     std::size_t& to) const noexcept {
    index_t n = len();
    if (start < 0) start = start + n < 0 ? 0 : start + n;
    if (end < 0) end = end + n < 0 ? 0 : end + n;
    if (end > n) end = n;
    if (start > n || end - start < static_cast<index_t>(needle)) return false;
    from = static_cast<std::size_t>(start);
    to = static_cast<std::size_t>(end);
    return true;
  }

  std::string_view trimmed_view(const std::string_view* chars, bool left, bool right) const noexcept {
    auto strip_it = [chars](char c) {
      return chars ? chars->find(c) != std::string_view::npos : is_space(c);
    };
    std::size_t b = 0, e = size_;
    if (left)
      while (b < e && strip_it(data_[b])) ++b;
    if (right)
      while (e > b && strip_it(data_[e - 1])) --e;
    return {data_ + b, e - b};
  }
  Ref<string> trimmed(bool left, bool right, const std::string_view* chars) const {
    std::string_view t = trimmed_view(chars, left, right);
    if (t.size() == size_) return Ref<string>(const_cast<string*>(this));  // immutable: share
    return make<string>(t);
  }

  template <class Map>
  Ref<string> mapped(Map map) const {
    Ref<string> out = with_size(size_);
    char* w = out->buffer();
    for (std::size_t i = 0; i < size_; ++i) w[i] = map(data_[i]);
    return out;
  }

  char* data_;
  std::size_t size_;
  mutable std::atomic<std::uint64_t> hash_{0};
  char inline_[kInlineCapacity + 1];
};

static_assert(sizeof(string) == 64, "a short string is one cache line");

inline string_arg::string_arg(const string& s) noexcept : view(s.view()) {}
inline string_arg::string_arg(const Ref<string>& s) {
  if (!s) throw_none_for_text();
  view = s->view();
}
inline string_or_none::string_or_none(const Ref<string>& s) noexcept : none(!s) {
  if (s) view = s->view();
}

// ---- the element protocol for Ref<string>: by content (see element.hpp) ---------------
inline std::uint64_t hash_of(const Ref<string>& s) noexcept { return s ? s->hash() : 0; }
inline bool equals(const Ref<string>& a, const Ref<string>& b) noexcept {
  if (a.get() == b.get()) return true;
  if (!a || !b) return false;
  return a->eq(*b);
}
// A Ref<string> key compares equal to its text (dict lookups without making a string).
inline bool equals(const Ref<string>& a, std::string_view b) noexcept { return a && a->eq(b); }
// None has no order, as in Python: sorting or min() of strings with None raises TypeError.
inline bool less_than(const Ref<string>& a, const Ref<string>& b) {
  if (!a || !b) throw_unorderable("<", a, b);
  return a->compare(*b) < 0;
}
inline std::string repr_of(const Ref<string>& s) { return s ? s->repr() : "None"; }

// ---- what a dict or set entry keeps of a string key (see hash_table.hpp) ---------------
static_assert(std::endian::native == std::endian::little, "the string key shadow packs text bytes into words");

inline detail::key_shadow<Ref<string>>::type detail::key_shadow<Ref<string>>::of(const Ref<string>& key) noexcept {
  static_assert(string::kInlineCapacity >= kCapacity, "a short key's text is inline");
  if (!key || key->size() > kCapacity) return {{kUnknown, 0}};
  // Two fixed 8-byte loads cover the kCapacity text bytes: short text lives in the object's
  // inline buffer, so they are all inside the object. Bytes past the size are never compared.
  std::uint64_t head, tail;
  std::memcpy(&head, key->data(), 8);
  std::memcpy(&tail, key->data() + 7, 8);
  return {{key->size() | head << 8, tail}};
}
inline int detail::key_shadow<Ref<string>>::match(const type& shadow, std::string_view probe) noexcept {
  if (shadow.size() == kUnknown) return probe.size() <= kCapacity ? 0 : -1;  // a long key, or None
  return probe.size() == shadow.size() && (probe.empty() || std::memcmp(shadow.text(), probe.data(), probe.size()) == 0);
}
inline int detail::key_shadow<Ref<string>>::match(const type& shadow, const Ref<string>& probe) noexcept {
  if (!probe) return -1;  // None: equals() decides
  return match(shadow, probe->view());
}

}  // namespace cyn::lib
