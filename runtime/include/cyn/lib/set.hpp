// cyn/lib/set.hpp — lib.set[T]: Python's set as a nogil, reference-counted object.
//
// Members hash and compare through element.hpp (scalars by value, Ref<lib::string> by
// content, other Refs by identity); stored Refs are counted. Iteration order is insertion
// order (Python promises no order; ours is deterministic, which tests may rely on).
// `union` is a C++ keyword, so that method is union_ (a .pxd maps the Python name to it).
//
//   auto a = cyn::make<cyn::lib::set<long>>(std::initializer_list<long>{1, 2, 3});
//   auto b = cyn::make<cyn::lib::set<long>>(std::initializer_list<long>{2, 3, 4});
//   auto both = a->intersection(*b);     // {2, 3}
//   a->discard(1);
//   a->remove(9);                        // KeyError: 9
//
// Not synchronised: share a set between threads read-only, or guard it. Adding or removing
// a member while iterating raises RuntimeError on the iterator's next step. A Ref<set>
// argument that is None raises TypeError, as Python's set methods do.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <utility>

#include "cyn/lib/element.hpp"
#include "cyn/lib/errors.hpp"
#include "cyn/lib/hash_table.hpp"
#include "cyn/lib/list.hpp"
#include "cyn/lib/slice.hpp"
#include "cyn/object.hpp"

namespace cyn::lib {

template <class T>
class set_iterator;

template <class T>
class set : public Object {
  using table = detail::hash_table<T, detail::no_value>;
  using entry = typename table::entry;

 public:
  using value_type = T;
  static constexpr const char* python_type_name = "set";

  set() noexcept = default;
  set(std::initializer_list<T> items) {
    table_.reserve(items.size());
    for (const T& x : items) add(x);
  }
  // The distinct items of a list (Python's set(xs)).
  explicit set(const list<T>& items) {
    for (std::size_t i = 0; i < items.size(); ++i) add(items[i]);
  }
  set(const set& other) : Object(), table_(other.table_) {}
  set& operator=(const set&) = delete;

  index_t len() const noexcept { return static_cast<index_t>(table_.size()); }
  std::size_t size() const noexcept { return table_.size(); }
  bool empty() const noexcept { return table_.size() == 0; }
  std::uint64_t version() const noexcept { return table_.version(); }
  void reserve(std::size_t n) { table_.reserve(n); }

  // `x in s` (any type comparable with T, e.g. text for a set of strings).
  template <class Q>
  bool contains(const Q& x) const {
    return table_.lookup(x) != nullptr;
  }
  void add(T x) { table_.insert_if_absent(std::move(x), detail::no_value{}); }
  void discard(const T& x) { table_.erase(x); }
  // s.remove(x): KeyError(repr(x)) when absent.
  void remove(const T& x) {
    if (!table_.erase(x)) throw_key_error(x);
  }
  // s.pop(): removes and returns a member (the last inserted); KeyError when empty.
  T pop() {
    entry out{};
    if (!table_.pop_last(&out)) throw KeyError("'pop from an empty set'");
    return std::move(out.key);
  }
  void clear() noexcept { table_.clear(); }
  Ref<set> copy() const { return make<set>(*this); }

  // ---- algebra: new sets -------------------------------------------------------------
  Ref<set> union_(const set& other) const {
    auto out = copy();
    out->update(other);
    return out;
  }
  Ref<set> intersection(const set& other) const {
    auto out = make<set>();
    // Walk the smaller set, in its order.
    const set& small = size() <= other.size() ? *this : other;
    const set& large = size() <= other.size() ? other : *this;
    small.for_each([&](const T& x) {
      if (large.contains(x)) out->add(x);
    });
    return out;
  }
  Ref<set> difference(const set& other) const {
    auto out = make<set>();
    for_each([&](const T& x) {
      if (!other.contains(x)) out->add(x);
    });
    return out;
  }
  Ref<set> symmetric_difference(const set& other) const {
    auto out = difference(other);
    other.for_each([&](const T& x) {
      if (!contains(x)) out->add(x);
    });
    return out;
  }
  Ref<set> union_(const Ref<set>& other) const { return union_(iterable(other)); }
  Ref<set> intersection(const Ref<set>& other) const { return intersection(iterable(other)); }
  Ref<set> difference(const Ref<set>& other) const { return difference(iterable(other)); }
  Ref<set> symmetric_difference(const Ref<set>& other) const { return symmetric_difference(iterable(other)); }

  // ---- algebra: in place (`|=`, `&=`, `-=`, `^=`); `other` may be this set -----------
  void update(const set& other) {
    if (&other == this) return;
    other.for_each([&](const T& x) { add(x); });
  }
  void intersection_update(const set& other) {
    if (&other == this) return;
    remove_if([&](const T& x) { return !other.contains(x); });
  }
  void difference_update(const set& other) {
    if (&other == this) {
      clear();
      return;
    }
    remove_if([&](const T& x) { return other.contains(x); });
  }
  void symmetric_difference_update(const set& other) {
    if (&other == this) {
      clear();
      return;
    }
    other.for_each([&](const T& x) {
      if (!table_.erase(x)) add(x);
    });
  }
  void update(const Ref<set>& other) { update(iterable(other)); }
  void intersection_update(const Ref<set>& other) { intersection_update(iterable(other)); }
  void difference_update(const Ref<set>& other) { difference_update(iterable(other)); }
  void symmetric_difference_update(const Ref<set>& other) { symmetric_difference_update(iterable(other)); }

  // ---- comparisons -------------------------------------------------------------------
  bool issubset(const set& other) const {
    if (size() > other.size()) return false;
    bool all = true;
    for_each([&](const T& x) { all = all && other.contains(x); });
    return all;
  }
  bool issuperset(const set& other) const { return other.issubset(*this); }
  bool isdisjoint(const set& other) const {
    const set& small = size() <= other.size() ? *this : other;
    const set& large = size() <= other.size() ? other : *this;
    bool none = true;
    small.for_each([&](const T& x) { none = none && !large.contains(x); });
    return none;
  }
  bool issubset(const Ref<set>& other) const { return issubset(iterable(other)); }
  bool issuperset(const Ref<set>& other) const { return issuperset(iterable(other)); }
  bool isdisjoint(const Ref<set>& other) const { return isdisjoint(iterable(other)); }
  // The operators: `<=` and `>=` are issubset / issuperset, `<` and `>` the proper ones.
  bool le(const set& other) const { return issubset(other); }
  bool ge(const set& other) const { return issuperset(other); }
  bool lt(const set& other) const { return size() < other.size() && issubset(other); }
  bool gt(const set& other) const { return size() > other.size() && issuperset(other); }
  bool eq(const set& other) const { return size() == other.size() && issubset(other); }
  friend bool operator==(const set& a, const set& b) { return a.eq(b); }

  // The members as a list, in iteration order (Python's list(s)).
  Ref<list<T>> to_list() const {
    auto out = make<list<T>>();
    out->reserve(size());
    for_each([&](const T& x) { out->append(x); });
    return out;
  }

  // ---- iteration ---------------------------------------------------------------------
  Ref<set_iterator<T>> iter();

  // C++ range-for over the members; throws RuntimeError when a member is added or removed.
  class iterator {
   public:
    iterator(const set* owner, std::size_t pos) noexcept
        : owner_(owner), pos_(pos), version_(owner->table_.version()) {
      skip_dead();
    }
    const T& operator*() const noexcept { return owner_->table_.entry_at(pos_)->key; }
    iterator& operator++() noexcept {
      ++pos_;
      skip_dead();
      return *this;
    }
    bool operator!=(const iterator&) const {
      if (owner_->table_.version() != version_) throw RuntimeError("Set changed size during iteration");
      return pos_ < owner_->table_.end_position();
    }
    bool operator==(const iterator& end) const { return !(*this != end); }

   private:
    void skip_dead() noexcept {
      auto& t = owner_->table_;
      if (t.version() != version_) return;
      while (pos_ < t.end_position() && !table::is_live(*t.entry_at(pos_))) ++pos_;
    }
    const set* owner_;
    std::size_t pos_;
    std::uint64_t version_;
  };
  iterator begin() const noexcept { return iterator(this, 0); }
  iterator end() const noexcept { return iterator(this, 0); }

 private:
  template <class U>
  friend class set_iterator;

  // The set behind a Ref argument; Python's TypeError for None.
  static const set& iterable(const Ref<set>& other) {
    if (!other) throw TypeError("'NoneType' object is not iterable");
    return *other;
  }

  template <class F>
  void for_each(F f) const {
    for (std::size_t i = 0; i < table_.end_position(); ++i) {
      const entry& e = *table_.entry_at(i);
      if (table::is_live(e)) f(e.key);
    }
  }
  // Erases the members for which pred is true. Erasing leaves other entries in place
  // (only the tail shrinks), so a position walk stays valid.
  template <class Pred>
  void remove_if(Pred pred) {
    for (std::size_t i = 0; i < table_.end_position(); ++i) {
      entry& e = *table_.entry_at(i);
      if (table::is_live(e) && pred(e.key)) {
        T doomed = e.key;  // erase() looks the key up, then moves the stored one out
        table_.erase(doomed);
      }
    }
  }

  mutable table table_;
};

// The iterator object behind `for x in s`. It holds a reference to its set.
template <class T>
class set_iterator : public Object {
 public:
  explicit set_iterator(Ref<set<T>> owner) noexcept
      : owner_(std::move(owner)), version_(owner_->version()) {}

  bool next(T& out) {
    const auto& t = owner_->table_;
    if (t.version() != version_) throw RuntimeError("Set changed size during iteration");
    while (pos_ < t.end_position() && !set<T>::table::is_live(*t.entry_at(pos_))) ++pos_;
    if (pos_ >= t.end_position()) return false;
    out = t.entry_at(pos_++)->key;
    return true;
  }
  T next_or_stop() {
    T out{};
    if (!next(out)) throw StopIteration();
    return out;
  }

 private:
  Ref<set<T>> owner_;
  std::uint64_t version_;
  std::size_t pos_ = 0;
};

template <class T>
Ref<set_iterator<T>> set<T>::iter() {
  return make<set_iterator<T>>(Ref<set<T>>(this));
}

// A set as an element of another container: equal by content, unhashable (TypeError when
// used as a dict key or set member; None is hashable), as in Python.
template <class T>
bool equals(const Ref<set<T>>& a, const Ref<set<T>>& b) {
  if (a.get() == b.get()) return true;
  return a && b && a->eq(*b);
}
template <class T>
std::uint64_t hash_of(const Ref<set<T>>& s) {
  if (s) throw_unhashable<set<T>>();
  return 0;
}

}  // namespace cyn::lib
