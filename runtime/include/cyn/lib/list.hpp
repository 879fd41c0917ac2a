// cyn/lib/list.hpp — lib.list[T]: Python's list as a nogil, reference-counted object.
//
// A growable array of T on the runtime heap with Python's methods, negative indices,
// slices and errors. T is a C scalar, a struct with operator==, a cyn::Ref<X> (the list
// holds a reference: storing keeps the object alive, removing/overwriting/clearing or
// destroying the list drops it) or Ref<lib::string>.
//
//   auto xs = cyn::make<cyn::lib::list<long>>();
//   for (long i = 0; i < 10; ++i) xs->append(i * i);
//   xs->delitem(0);                       // del xs[0]
//   long last = xs->getitem(-1);          // 81
//   auto evens = xs->slice(cyn::lib::NONE, cyn::lib::NONE, 2);   // xs[::2]
//   for (long x : *xs) total += x;        // C++ loop; throws RuntimeError if xs changes size
//
// Not synchronised, like Go's slices: share a list between threads read-only, or guard it.
//
// Invariants:
// - items_[0, size_) are constructed, [size_, capacity_) raw memory;
// - version_ changes whenever the size or the storage (items_) changes, so iterators
//   detect it and raise RuntimeError("list changed size during iteration"), and while it
//   is unchanged an iterator may keep using the items_ and size_ it saw; operations that
//   keep both (setitem, sort, a slice assignment of as many items as it replaces) leave it;
// - a Ref<list> argument may be None: the methods taking one raise TypeError for it, with
//   Python's message for that operation;
// - an element is destroyed only once the list is consistent again (its destructor may run
//   a __dealloc__ that looks at this very list).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <new>
#include <type_traits>
#include <utility>

#include "cyn/lib/element.hpp"
#include "cyn/lib/errors.hpp"
#include "cyn/lib/memory.hpp"
#include "cyn/lib/slice.hpp"
#include "cyn/object.hpp"

namespace cyn::lib {

template <class T>
class list_iterator;

template <class T>
class list : public Object {
  static_assert(std::is_nothrow_move_constructible_v<T>, "list elements must move without throwing");

 public:
  using value_type = T;
  static constexpr const char* python_type_name = "list";

  list() noexcept = default;
  list(std::initializer_list<T> items) {
    reserve(items.size());
    for (const T& x : items) push_unchecked(x);
  }
  // A list of `n` copies of `p[0..n)` (cheap conversion from a C array or a buffer).
  list(const T* p, std::size_t n) {
    reserve(n);
    for (std::size_t i = 0; i < n; ++i) push_unchecked(p[i]);
  }
  list(const list& other) : Object() {
    reserve(other.size_);
    for (std::size_t i = 0; i < other.size_; ++i) push_unchecked(other.items_[i]);
  }
  list& operator=(const list&) = delete;
  ~list() override { release_storage(items_, size_); }

  // ---- size and raw access ---------------------------------------------------------
  index_t len() const noexcept { return static_cast<index_t>(size_); }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  std::size_t capacity() const noexcept { return capacity_; }
  // The elements as a C array, valid until the next change of size.
  T* data() noexcept { return items_; }
  const T* data() const noexcept { return items_; }
  // Unchecked element access for C++ callers (no negative indices).
  T& operator[](std::size_t i) noexcept { return items_[i]; }
  const T& operator[](std::size_t i) const noexcept { return items_[i]; }
  // Changes whenever the size changes, or the storage moves (what iterators check).
  std::uint64_t version() const noexcept { return version_; }

  // Room for n items without moving them again (moves the storage: iterators then stop).
  void reserve(std::size_t n) {
    if (n > capacity_) reallocate(n);
  }

  // ---- Python's list methods -------------------------------------------------------
  // xs[i], with a negative i counting from the end.
  T getitem(index_t i) const { return items_[checked_index(i, size_, "list index out of range")]; }
  // A reference to xs[i], valid until the next change of size (C++ callers).
  T& at(index_t i) { return items_[checked_index(i, size_, "list index out of range")]; }
  void setitem(index_t i, T x) {
    // The old value dies after the slot already holds the new one.
    items_[checked_index(i, size_, "list assignment index out of range")] = std::move(x);
  }
  void delitem(index_t i) { erase_at(checked_index(i, size_, "list assignment index out of range")); }

  void append(T x) {
    if (size_ == capacity_) grow(size_ + 1);
    push_unchecked(std::move(x));
  }

  // xs.extend(other); other may be xs itself (the list doubles, as in Python).
  void extend(const list& other) {
    std::size_t n = other.size_;
    if (n == 0) return;
    if (size_ + n > capacity_) grow(size_ + n);  // after this, other.items_ is stable
    for (std::size_t i = 0; i < n; ++i) push_unchecked(other.items_[i]);
  }
  void extend(const Ref<list>& other) { extend(iterable(other)); }

  // xs.insert(i, x): i counts from the end when negative and is clamped to [0, len].
  void insert(index_t i, T x) {
    std::size_t pos = clamp_position(i, size_);
    if (size_ == capacity_) grow(size_ + 1);
    if (pos == size_) {
      push_unchecked(std::move(x));
      return;
    }
    new (items_ + size_) T(std::move(items_[size_ - 1]));
    for (std::size_t k = size_ - 1; k > pos; --k) items_[k] = std::move(items_[k - 1]);
    items_[pos] = std::move(x);
    ++size_;
    ++version_;
  }

  T pop() {
    if (size_ == 0) throw IndexError("pop from empty list");
    T out = std::move(items_[size_ - 1]);
    items_[--size_].~T();
    ++version_;
    return out;
  }
  T pop(index_t i) {
    if (size_ == 0) throw IndexError("pop from empty list");
    std::size_t pos = checked_index(i, size_, "pop index out of range");
    T out = std::move(items_[pos]);
    close_gap(pos);
    return out;
  }

  // xs.remove(x): removes the first item equal to x; ValueError when there is none.
  void remove(const T& x) {
    std::size_t pos = find(x, 0, size_);
    if (pos == npos) throw ValueError("list.remove(x): x not in list");
    erase_at(pos);
  }

  // xs.index(x[, start[, stop]]): first position of x in xs[start:stop]; ValueError if none.
  index_t index(const T& x, index_t start = 0, index_t stop = std::numeric_limits<index_t>::max()) const {
    std::size_t pos = find(x, clamp_position(start, size_), clamp_position(stop, size_));
    if (pos == npos) throw ValueError(repr_of(x) + " is not in list");
    return static_cast<index_t>(pos);
  }
  index_t count(const T& x) const {
    index_t n = 0;
    equal_to<T> eq;
    for (std::size_t i = 0; i < size_; ++i) n += eq(items_[i], x) ? 1 : 0;
    return n;
  }
  bool contains(const T& x) const { return find(x, 0, size_) != npos; }

  // Stable sort by less_than (operator< for scalars, content for strings); `reverse` keeps
  // equal items in their original order, as Python's sort(reverse=True) does.
  void sort(bool reverse = false) {
    if (reverse) this->reverse();
    stable_sort([](const T& a, const T& b) { return less<T>{}(a, b); });
    if (reverse) this->reverse();
  }
  // Stable sort by a key function: items compare as key(item) (computed once per item).
  template <class KeyFn>
  void sort_by_key(KeyFn key, bool reverse = false);

  void reverse() noexcept {
    if (size_ > 1) std::reverse(items_, items_ + size_);
  }

  // Empties the list; the items are destroyed after the list is already empty.
  void clear() noexcept {
    T* old = items_;
    std::size_t n = size_;
    items_ = nullptr;
    size_ = capacity_ = 0;
    ++version_;
    release_storage(old, n);
  }

  Ref<list> copy() const { return make<list>(*this); }

  // xs[start:stop:step] as a new list (NONE for an omitted bound); ValueError for step 0.
  Ref<list> slice(index_t start, index_t stop, index_t step = 1) const {
    slice_range r = slice_indices(len(), start, stop, step);
    auto out = make<list>();
    out->reserve(static_cast<std::size_t>(r.count));
    for (index_t k = 0, i = r.start; k < r.count; ++k, i += r.step) out->push_unchecked(items_[i]);
    return out;
  }

  // del xs[start:stop:step].
  void delslice(index_t start, index_t stop, index_t step = 1) {
    slice_range r = slice_indices(len(), start, stop, step);
    if (r.count == 0) return;
    if (r.step < 0) {  // the same items, walked upwards
      r.start += (r.count - 1) * r.step;
      r.step = -r.step;
    }
    // Compact the survivors to the front, then drop the (moved-into) tail.
    std::size_t write = static_cast<std::size_t>(r.start);
    std::size_t next_deleted = static_cast<std::size_t>(r.start);
    index_t deleted_seen = 0;
    for (std::size_t read = write; read < size_; ++read) {
      if (deleted_seen < r.count && read == next_deleted) {
        ++deleted_seen;
        next_deleted += static_cast<std::size_t>(r.step);
        continue;
      }
      if (write != read) std::swap(items_[write], items_[read]);
      ++write;
    }
    truncate(write);
  }

  // xs[start:stop:step] = values. A step of 1 may change the length (Python's rules); an
  // extended slice needs exactly as many values as it selects (ValueError otherwise).
  void setslice(index_t start, index_t stop, index_t step, const list& values) {
    slice_range r = slice_indices(len(), start, stop, step);
    if (&values == this) {  // xs[a:b] = xs copies first, as Python does
      list snapshot(values);
      setslice(start, stop, step, snapshot);
      return;
    }
    if (step == 1 && static_cast<std::size_t>(r.count) != values.size_) {
      std::size_t from = static_cast<std::size_t>(r.start);
      std::size_t old_count = static_cast<std::size_t>(r.count);
      list tail;  // items after the replaced range, moved aside
      tail.reserve(size_ - from - old_count);
      for (std::size_t i = from + old_count; i < size_; ++i) tail.push_unchecked(std::move(items_[i]));
      list removed;
      removed.reserve(old_count);
      for (std::size_t i = from; i < from + old_count; ++i) removed.push_unchecked(std::move(items_[i]));
      truncate(from);
      reserve(from + values.size_ + tail.size_);
      for (std::size_t i = 0; i < values.size_; ++i) push_unchecked(values.items_[i]);
      for (std::size_t i = 0; i < tail.size_; ++i) push_unchecked(std::move(tail.items_[i]));
      ++version_;
      return;  // `removed` dies here, after the list is whole again
    }
    if (static_cast<std::size_t>(r.count) != values.size_) {
      throw ValueError("attempt to assign sequence of size " + std::to_string(values.size_) +
                       " to extended slice of size " + std::to_string(r.count));
    }
    // As many items as the slice selects: replaced where they are, so the size and the
    // storage stay and a loop over the list goes on. The old items die after the new ones
    // are all in.
    if constexpr (std::is_trivially_destructible_v<T>) {
      for (index_t k = 0, i = r.start; k < r.count; ++k, i += r.step) items_[i] = values.items_[k];
    } else {
      list removed;
      removed.reserve(values.size_);
      for (index_t k = 0, i = r.start; k < r.count; ++k, i += r.step) {
        removed.push_unchecked(std::move(items_[i]));
        items_[i] = values.items_[k];
      }
    }
  }
  void setslice(index_t start, index_t stop, index_t step, const Ref<list>& values) {
    if (!values) throw TypeError(step == 1 ? "can only assign an iterable" : "must assign iterable to extended slice");
    setslice(start, stop, step, *values);
  }

  // xs == ys: same length and pairwise equal items.
  bool eq(const list& other) const {
    if (size_ != other.size_) return false;
    equal_to<T> eq;
    for (std::size_t i = 0; i < size_; ++i)
      if (!eq(items_[i], other.items_[i])) return false;
    return true;
  }
  friend bool operator==(const list& a, const list& b) { return a.eq(b); }
  // xs < ys, <=, >, >=: Python's lexicographic order. The first pair of items that are not
  // equal decides (as a < b for `<` and `<=`, as b < a for `>` and `>=`); when one list is
  // a prefix of the other, the lengths do.
  bool lt(const list& other) const { return lexicographic(other, false, size_ < other.size_); }
  bool le(const list& other) const { return lexicographic(other, false, size_ <= other.size_); }
  bool gt(const list& other) const { return lexicographic(other, true, size_ > other.size_); }
  bool ge(const list& other) const { return lexicographic(other, true, size_ >= other.size_); }

  // xs + ys (a new list) and xs * n.
  Ref<list> add(const list& other) const {
    auto out = make<list>();
    out->reserve(size_ + other.size_);
    out->extend(*this);
    out->extend(other);
    return out;
  }
  Ref<list> add(const Ref<list>& other) const {
    if (!other) throw TypeError("can only concatenate list (not \"NoneType\") to list");
    return add(*other);
  }
  Ref<list> repeat(index_t times) const {
    auto out = make<list>();
    if (times <= 0 || size_ == 0) return out;
    out->reserve(repeated_size(times));
    for (index_t t = 0; t < times; ++t) out->extend(*this);
    return out;
  }
  // xs *= n: this list repeated in place (emptied when n <= 0), so every reference to it
  // sees the change, as in Python.
  void repeat_in_place(index_t times) {
    if (times <= 0) {
      clear();
      return;
    }
    std::size_t n = size_;
    if (n == 0 || times == 1) return;
    reserve(repeated_size(times));  // the items being copied stay put from here on
    for (index_t t = 1; t < times; ++t)
      for (std::size_t i = 0; i < n; ++i) push_unchecked(items_[i]);
  }

  // ---- iteration ---------------------------------------------------------------------
  // The iterator object behind `for x in xs` (Python's __iter__).
  Ref<list_iterator<T>> iter();

  // C++ range-for support; the loop throws RuntimeError when the list changes size.
  class iterator {
   public:
    iterator(list* owner, std::size_t pos) noexcept
        : owner_(owner), items_(owner->items_), pos_(pos), size_(owner->size_), version_(owner->version_) {}
    T& operator*() const noexcept { return items_[pos_]; }
    T* operator->() const noexcept { return items_ + pos_; }
    iterator& operator++() noexcept {
      ++pos_;
      return *this;
    }
    // The check sits in the loop condition, which runs before every item. While the
    // version is unchanged so are the size and the storage seen at the start.
    bool operator!=(const iterator&) const {
      if (owner_->version_ != version_) [[unlikely]]
        throw RuntimeError("list changed size during iteration");
      return pos_ < size_;
    }
    bool operator==(const iterator& end) const { return !(*this != end); }

   private:
    list* owner_;
    T* items_;
    std::size_t pos_;
    std::size_t size_;
    std::uint64_t version_;
  };
  iterator begin() noexcept { return iterator(this, 0); }
  iterator end() noexcept { return iterator(this, 0); }  // the position is in the list
  // Read-only loops over a const list cannot change it, so they need no check.
  const T* begin() const noexcept { return items_; }
  const T* end() const noexcept { return items_ + size_; }

 private:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  template <class U>
  friend class list_iterator;
  template <class U>
  friend class list;

  // The list behind a Ref argument of extend(); Python's TypeError for None.
  static const list& iterable(const Ref<list>& other) {
    if (!other) throw TypeError("'NoneType' object is not iterable");
    return *other;
  }

  // size_ * times (times > 0), or MemoryError (as Python raises) when that overflows.
  std::size_t repeated_size(index_t times) const {
    if (static_cast<std::size_t>(times) > std::numeric_limits<std::size_t>::max() / sizeof(T) / size_)
      throw std::bad_alloc();
    return size_ * static_cast<std::size_t>(times);
  }

  bool lexicographic(const list& other, bool reflected, bool by_length) const {
    std::size_t n = size_ < other.size_ ? size_ : other.size_;
    equal_to<T> eq;
    less<T> lt_item;
    for (std::size_t i = 0; i < n; ++i) {
      if (!eq(items_[i], other.items_[i]))
        return reflected ? lt_item(other.items_[i], items_[i]) : lt_item(items_[i], other.items_[i]);
    }
    return by_length;
  }

  std::size_t find(const T& x, std::size_t from, std::size_t to) const {
    equal_to<T> eq;
    for (std::size_t i = from; i < to; ++i)
      if (eq(items_[i], x)) return i;
    return npos;
  }

  // Constructs at the end; the caller made room.
  template <class U>
  void push_unchecked(U&& x) {
    new (items_ + size_) T(std::forward<U>(x));
    ++size_;
    ++version_;
  }

  void grow(std::size_t min_capacity) {
    std::size_t next = capacity_ < 4 ? 4 : capacity_ * 2;
    reallocate(next < min_capacity ? min_capacity : next);
  }

  void reallocate(std::size_t new_capacity) {
    T* fresh = allocate_array<T>(new_capacity);
    if constexpr (std::is_trivially_copyable_v<T>) {
      if (size_) std::memcpy(static_cast<void*>(fresh), items_, size_ * sizeof(T));
    } else {
      for (std::size_t i = 0; i < size_; ++i) {
        new (fresh + i) T(std::move(items_[i]));
        items_[i].~T();
      }
    }
    free_array(items_);
    items_ = fresh;
    capacity_ = new_capacity;
    ++version_;
  }

  // Removes items_[pos] (moved out first, destroyed once the list is consistent).
  void erase_at(std::size_t pos) {
    [[maybe_unused]] T doomed = std::move(items_[pos]);
    close_gap(pos);
  }
  // Shifts items after pos down over the (moved-from) slot pos.
  void close_gap(std::size_t pos) noexcept {
    for (std::size_t k = pos; k + 1 < size_; ++k) items_[k] = std::move(items_[k + 1]);
    items_[--size_].~T();
    ++version_;
  }

  // Drops items from `new_size` on; they are moved out before any destructor runs.
  void truncate(std::size_t new_size) {
    if (new_size >= size_) return;
    std::size_t n = size_ - new_size;
    if constexpr (std::is_trivially_destructible_v<T>) {
      size_ = new_size;
      ++version_;
    } else {
      T* doomed = allocate_array<T>(n);
      for (std::size_t i = 0; i < n; ++i) {
        new (doomed + i) T(std::move(items_[new_size + i]));
        items_[new_size + i].~T();
      }
      size_ = new_size;
      ++version_;
      release_storage(doomed, n);
    }
  }

  static void release_storage(T* items, std::size_t n) noexcept {
    if constexpr (!std::is_trivially_destructible_v<T>) {
      for (std::size_t i = 0; i < n; ++i) items[i].~T();
    }
    free_array(items);
  }

  // Bottom-up merge sort: insertion-sorted runs of 32, then merges through a buffer that
  // holds the left run. Ties take the left item, which makes it stable.
  // A comparison may throw (an element's __lt__ raised, or objects without an order): the
  // list then still holds every item, in some order, as Python's sort leaves it; the item
  // in flight and the buffered run go back into the holes their moves left.
  template <class Less>
  void stable_sort(Less lt) {
    std::size_t n = size_;
    if (n < 2) return;
    constexpr std::size_t kRun = 32;
    for (std::size_t lo = 0; lo < n; lo += kRun) {
      std::size_t hi = std::min(lo + kRun, n);
      for (std::size_t i = lo + 1; i < hi; ++i) {
        if (!lt(items_[i], items_[i - 1])) continue;
        T moving = std::move(items_[i]);
        std::size_t j = i;
        try {
          do {
            items_[j] = std::move(items_[j - 1]);
            --j;
          } while (j > lo && lt(moving, items_[j - 1]));
        } catch (...) {
          items_[j] = std::move(moving);  // slot j is the hole
          throw;
        }
        items_[j] = std::move(moving);
      }
    }
    if (n <= kRun) return;
    struct buffer_guard {  // frees the buffer on every way out (its items are moved back first)
      T* items;
      ~buffer_guard() { free_array(items); }
    } buffer{allocate_array<T>(n)};
    for (std::size_t width = kRun; width < n; width *= 2) {
      for (std::size_t lo = 0; lo + width < n; lo += 2 * width) {
        std::size_t mid = lo + width, hi = std::min(lo + 2 * width, n);
        if (!lt(items_[mid], items_[mid - 1])) continue;  // already in order
        std::size_t left = mid - lo;
        for (std::size_t i = 0; i < left; ++i) new (buffer.items + i) T(std::move(items_[lo + i]));
        // items_[lo, k) is merged, items_[k, j) are holes (as many as buffer[i, left)).
        std::size_t i = 0, j = mid, k = lo;
        try {
          while (i < left && j < hi) {
            if (lt(items_[j], buffer.items[i])) items_[k++] = std::move(items_[j++]);
            else items_[k++] = std::move(buffer.items[i++]);
          }
        } catch (...) {
          while (i < left) items_[k++] = std::move(buffer.items[i++]);
          destroy_buffered(buffer.items, left);
          throw;
        }
        while (i < left) items_[k++] = std::move(buffer.items[i++]);
        destroy_buffered(buffer.items, left);
      }
    }
  }
  static void destroy_buffered(T* items, std::size_t n) noexcept {
    if constexpr (!std::is_trivially_destructible_v<T>) {
      for (std::size_t b = 0; b < n; ++b) items[b].~T();
    }
  }

  T* items_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
  std::uint64_t version_ = 0;
};

template <class T>
template <class KeyFn>
void list<T>::sort_by_key(KeyFn key, bool reverse) {
  // Decorate: sort positions by their precomputed key, then permute (Python computes each
  // key exactly once, too).
  using Key = std::decay_t<decltype(key(std::declval<const T&>()))>;
  struct Decorated {
    Key key;
    T item;
  };
  // Every key first: a key function that raises leaves the list as it was.
  list<Key> keys;
  keys.reserve(size_);
  for (std::size_t i = 0; i < size_; ++i) keys.push_unchecked(key(items_[i]));
  if (reverse) {
    this->reverse();
    keys.reverse();
  }
  list<Decorated> work;
  work.reserve(size_);
  for (std::size_t i = 0; i < size_; ++i) work.push_unchecked(Decorated{std::move(keys.items_[i]), std::move(items_[i])});
  try {
    work.stable_sort([](const Decorated& a, const Decorated& b) { return less<Key>{}(a.key, b.key); });
  } catch (...) {  // a comparison raised: the items go back, in the order the sort left them
    for (std::size_t i = 0; i < size_; ++i) items_[i] = std::move(work.items_[i].item);
    throw;
  }
  for (std::size_t i = 0; i < size_; ++i) items_[i] = std::move(work.items_[i].item);
  if (reverse) this->reverse();
}

// Python's list iterator: `for x in xs` compiles to `it = xs.iter(); while it.next(x): ...`
// (or `x = it.next_or_stop()` until StopIteration). It holds a reference to its list.
template <class T>
class list_iterator : public Object {
 public:
  explicit list_iterator(Ref<list<T>> owner) noexcept
      : owner_(std::move(owner)),
        items_(owner_->items_),
        size_(owner_->size_),
        version_(owner_->version_) {}

  // Stores the next item in `out` and returns true, or returns false at the end.
  // Throws RuntimeError when the list changed size since the iterator was made. While the
  // version is unchanged, so are the storage and size seen at the start (list invariant).
  bool next(T& out) {
    if (owner_->version_ != version_) [[unlikely]]
      throw RuntimeError("list changed size during iteration");
    if (pos_ >= size_) return false;
    out = items_[pos_++];
    return true;
  }
  // Python's __next__: the next item, or StopIteration at the end.
  T next_or_stop() {
    T out{};
    if (!next(out)) throw StopIteration();
    return out;
  }

 private:
  Ref<list<T>> owner_;
  const T* items_;
  std::size_t size_;
  std::uint64_t version_;
  std::size_t pos_ = 0;
};

template <class T>
Ref<list_iterator<T>> list<T>::iter() {
  return make<list_iterator<T>>(Ref<list<T>>(this));
}

// ---- a list as an element of another container (element.hpp protocol) ---------------
// As in Python: nested lists compare and order by content (None has no order: TypeError),
// print as [a, b], and are unhashable (TypeError when a list is used as a dict key or set
// member; None is hashable, as in Python).
template <class T>
bool equals(const Ref<list<T>>& a, const Ref<list<T>>& b) {
  if (a.get() == b.get()) return true;
  return a && b && a->eq(*b);
}
template <class T>
bool less_than(const Ref<list<T>>& a, const Ref<list<T>>& b) {
  if (!a || !b) throw_unorderable("<", a, b);
  return a->lt(*b);
}
template <class T>
std::uint64_t hash_of(const Ref<list<T>>& xs) {
  if (xs) throw_unhashable<list<T>>();
  return 0;
}
template <class T>
std::string repr_of(const Ref<list<T>>& xs) {
  if (!xs) return "None";
  std::string out = "[";
  for (std::size_t i = 0; i < xs->size(); ++i) {
    if (i) out += ", ";
    out += repr_of((*xs)[i]);
  }
  return out + "]";
}

}  // namespace cyn::lib
