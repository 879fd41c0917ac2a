// cyn/lib/slice.hpp — Python's index and slice arithmetic, shared by list and string.
//
// A Python slice `xs[start:stop:step]` may omit any bound; here an omitted start or stop is
// passed as cyn::lib::NONE (the most negative index, which no real bound needs). The result
// is the first index, the step and the number of items, after Python's clamping.
//
//   auto s = cyn::lib::slice_indices(10, -3, cyn::lib::NONE, 1);   // xs[-3:] of 10 items
//   // s.start == 7, s.step == 1, s.count == 3
//
// Invariant of slice_range: every index start + k*step for k < count lies in [0, length).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

#include "cyn/lib/errors.hpp"

namespace cyn::lib {

// A signed index or length, Py_ssize_t in Python.
using index_t = std::ptrdiff_t;

// "This slice bound was omitted" (`xs[:3]`, `xs[::-1]`).
inline constexpr index_t NONE = std::numeric_limits<index_t>::min();

// The items a slice selects: `count` indices from `start`, `step` apart.
struct slice_range {
  index_t start;
  index_t step;
  index_t count;
};

// Python's slice.indices(length) followed by the item count (PySlice_AdjustIndices).
// Throws ValueError for a zero step.
inline slice_range slice_indices(index_t length, index_t start, index_t stop, index_t step) {
  if (step == 0) throw ValueError("slice step cannot be zero");
  // Omitted bounds: the whole sequence in the step's direction.
  if (start == NONE) start = step > 0 ? 0 : length - 1;
  else if (start < 0) {
    start += length;
    if (start < 0) start = step > 0 ? 0 : -1;
  } else if (start >= length) {
    start = step > 0 ? length : length - 1;
  }
  if (stop == NONE) stop = step > 0 ? length : -1;
  else if (stop < 0) {
    stop += length;
    if (stop < 0) stop = step > 0 ? 0 : -1;
  } else if (stop >= length) {
    stop = step > 0 ? length : length - 1;
  }
  index_t count = 0;
  if (step > 0) {
    if (start < stop) count = (stop - start - 1) / step + 1;
  } else {
    if (stop < start) count = (start - stop - 1) / (-step) + 1;
  }
  return {start, step, count};
}

// The error path of checked_index: out of line and [[noreturn]], so the hot path keeps
// no call that could continue (the compiler may then keep the container's fields in
// registers across a loop of subscripts).
[[noreturn, gnu::cold, gnu::noinline]] inline void throw_index_error(const char* message) {
  throw IndexError(message);
}

// A subscript with Python's negative-index rule; throws IndexError(message) outside.
inline std::size_t checked_index(index_t i, std::size_t length, const char* message) {
  // Hot path: one unsigned compare accepts every in-range non-negative index (a negative
  // one wraps to a huge value and falls through to the rare path).
  if (static_cast<std::size_t>(i) < length) [[likely]] return static_cast<std::size_t>(i);
  std::size_t from_end = static_cast<std::size_t>(i) + length;  // i + len, modulo 2^64
  if (i < 0 && from_end < length) return from_end;
  throw_index_error(message);
}

// A position for insert() or index(start, stop): negative counts from the end, then clamped
// to [0, length] (never an error, as in Python).
inline std::size_t clamp_position(index_t i, std::size_t length) noexcept {
  index_t n = static_cast<index_t>(length);
  if (i < 0) {
    i += n;
    if (i < 0) i = 0;
  }
  if (i > n) i = n;
  return static_cast<std::size_t>(i);
}

}  // namespace cyn::lib
