// cyn/http/buffer.hpp — a growable byte buffer that keeps its memory between uses.
//
// Connections read requests into one and write responses through another; responses keep
// their body and extra headers in them. clear() keeps the capacity, so after the first few
// requests of a connection nothing on the request path allocates. Memory comes from the
// runtime heap (mimalloc), like every other runtime allocation.
//
//   cyn::http::ByteBuffer out;
//   out.append("HTTP/1.1 200 OK\r\n");
//   out.append_decimal(13);
//   write(fd, out.data(), out.size());
//   out.clear();                          // capacity kept for the next response
//
// Invariant: size() <= capacity(); data() is null only while capacity() is 0.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string_view>
#include <utility>

#include "cyn/alloc.hpp"

namespace cyn::http {

class ByteBuffer {
 public:
  ByteBuffer() noexcept = default;
  explicit ByteBuffer(std::size_t capacity) { reserve(capacity); }
  ByteBuffer(const ByteBuffer&) = delete;
  ByteBuffer& operator=(const ByteBuffer&) = delete;
  ByteBuffer(ByteBuffer&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)), capacity_(std::exchange(o.capacity_, 0)) {}
  ~ByteBuffer() { free_bytes(data_); }

  char* data() noexcept { return data_; }
  const char* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }
  std::size_t capacity() const noexcept { return capacity_; }
  bool empty() const noexcept { return size_ == 0; }
  std::string_view view() const noexcept { return {data_, size_}; }

  void clear() noexcept { size_ = 0; }

  // Makes room for at least `n` more bytes after size().
  void reserve_more(std::size_t n) {
    if (capacity_ - size_ < n) grow(size_ + n);
  }
  void reserve(std::size_t total) {
    if (capacity_ < total) grow(total);
  }

  // Free space after the data, for reading into; commit() what was written there.
  char* tail() noexcept { return data_ + size_; }
  std::size_t tail_room() const noexcept { return capacity_ - size_; }
  void commit(std::size_t n) noexcept { size_ += n; }

  void append(const void* p, std::size_t n) {
    reserve_more(n);
    if (n != 0) std::memcpy(data_ + size_, p, n);
    size_ += n;
  }
  void append(std::string_view s) { append(s.data(), s.size()); }
  void push_back(char c) {
    reserve_more(1);
    data_[size_++] = c;
  }
  // Appends the decimal digits of `v` (with a '-' for negatives).
  void append_decimal(std::int64_t v) {
    char tmp[24];
    char* e = tmp + sizeof tmp;
    char* s = e;
    std::uint64_t u = v < 0 ? 0 - std::uint64_t(v) : std::uint64_t(v);
    do {
      *--s = char('0' + u % 10);
      u /= 10;
    } while (u != 0);
    if (v < 0) *--s = '-';
    append(s, std::size_t(e - s));
  }

  // Drops the first `n` bytes, moving the rest to the front.
  void consume_front(std::size_t n) noexcept {
    if (n >= size_) {
      size_ = 0;
      return;
    }
    std::memmove(data_, data_ + n, size_ - n);
    size_ -= n;
  }

  // Gives memory back when a buffer grew past `keep` (one huge request should not pin
  // megabytes for the rest of a long keep-alive connection).
  void shrink_to(std::size_t keep) {
    if (capacity_ <= keep || size_ > keep) return;
    char* p = static_cast<char*>(alloc_bytes(keep));
    if (size_ != 0) std::memcpy(p, data_, size_);
    free_bytes(data_);
    data_ = p;
    capacity_ = keep;
  }

 private:
  void grow(std::size_t want) {
    std::size_t cap = capacity_ ? capacity_ : 64;
    while (cap < want) cap *= 2;
    char* p = static_cast<char*>(alloc_bytes(cap));
    if (size_ != 0) std::memcpy(p, data_, size_);
    free_bytes(data_);
    data_ = p;
    capacity_ = cap;
  }

  char* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace cyn::http
