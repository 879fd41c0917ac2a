// cyn/lib/dict.hpp — lib.dict[K, V]: Python's dict as a nogil, reference-counted object.
//
// Insertion-ordered (Python 3.7+): iteration yields keys in the order they were first
// inserted; deleting and re-inserting a key moves it to the end; assigning to an existing
// key keeps its place. Keys hash and compare through element.hpp (scalars by value,
// Ref<lib::string> by content, other Refs by identity). Stored Refs are counted: the dict
// keeps its keys and values alive until they are removed, overwritten or the dict dies.
//
//   auto d = cyn::make<cyn::lib::dict<cyn::Ref<cyn::lib::string>, long>>();
//   d->setitem(cyn::make<cyn::lib::string>("nine"), 9);
//   long nine = d->getitem(cyn::make<cyn::lib::string>("nine"));   // KeyError if absent
//   if (long* v = d->find(std::string_view("nine"))) ++*v;     // lookup by text, no object
//   for (auto& e : *d) printf("%s=%ld\n", e.key->c_str(), e.value);
//
// Not synchronised, like Go's maps: share a dict between threads read-only, or guard it.
// Adding or removing a key while iterating raises RuntimeError on the iterator's next step.
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

template <class K, class V>
class dict_iterator;
enum class dict_view_kind { keys, values, items };
template <class K, class V, dict_view_kind Kind>
class dict_view;

template <class K, class V>
class dict : public Object {
  using table = detail::hash_table<K, V>;

 public:
  static constexpr const char* python_type_name = "dict";
  using key_type = K;
  using mapped_type = V;
  using entry = detail::table_entry<K, V>;  // fields: hash, key, value

  dict() noexcept = default;
  dict(std::initializer_list<std::pair<K, V>> items) {
    table_.reserve(items.size());
    for (const auto& kv : items) table_.insert_or_assign(kv.first, kv.second);
  }
  dict(const dict& other) : Object(), table_(other.table_) {}
  dict& operator=(const dict&) = delete;

  index_t len() const noexcept { return static_cast<index_t>(table_.size()); }
  std::size_t size() const noexcept { return table_.size(); }
  bool empty() const noexcept { return table_.size() == 0; }
  // Changes whenever a key is added or removed (what iterators check).
  std::uint64_t version() const noexcept { return table_.version(); }
  void reserve(std::size_t n) { table_.reserve(n); }

  // `k in d`.
  bool contains(const K& key) const { return table_.lookup(key) != nullptr; }
  // d[k]; KeyError(repr(k)) when absent.
  V getitem(const K& key) const { return at(key); }
  // A reference to d[k], valid until the next key is added or removed (C++ callers).
  V& at(const K& key) const {
    entry* e = table_.lookup(key);
    if (!e) throw_key_error(key);
    return e->value;
  }
  // d[k] = v: a new key goes last; an existing key keeps its place and gets v.
  void setitem(K key, V value) { table_.insert_or_assign(std::move(key), std::move(value)); }
  // del d[k]; KeyError when absent.
  void delitem(const K& key) {
    if (!table_.erase(key)) throw_key_error(key);
  }

  // A pointer to the value of `key` (any type comparable with K: e.g. a std::string_view
  // for Ref<string> keys), or nullptr. Valid until the next key is added or removed.
  template <class Q>
  V* find(const Q& key) const {
    entry* e = table_.lookup(key);
    return e ? &e->value : nullptr;
  }
  // d.get(k, default).
  V get(const K& key, V fallback) const {
    entry* e = table_.lookup(key);
    return e ? e->value : std::move(fallback);
  }
  // d.pop(k): removes k and returns its value; KeyError when absent.
  V pop(const K& key) {
    entry out{};
    if (!table_.erase(key, &out)) throw_key_error(key);
    return std::move(out.value);
  }
  // d.pop(k, default).
  V pop(const K& key, V fallback) {
    entry out{};
    if (!table_.erase(key, &out)) return fallback;
    return std::move(out.value);
  }
  // d.popitem(): removes and returns the last inserted pair; KeyError when empty.
  std::pair<K, V> popitem() {
    entry out{};
    if (!table_.pop_last(&out)) throw KeyError("'popitem(): dictionary is empty'");
    return {std::move(out.key), std::move(out.value)};
  }
  // d.setdefault(k, default): d[k] if present, else inserts default and returns it.
  V setdefault(K key, V fallback) {
    return table_.insert_if_absent(std::move(key), std::move(fallback)).first->value;
  }

  // Empties the dict; keys and values are destroyed after it is already empty.
  void clear() noexcept { table_.clear(); }
  Ref<dict> copy() const { return make<dict>(*this); }
  // d.update(other): other's pairs in other's order (other may be d itself).
  void update(const dict& other) {
    if (&other == this) return;
    for (std::size_t i = 0; i < other.table_.end_position(); ++i) {
      const entry& e = *other.table_.entry_at(i);
      if (table::is_live(e)) table_.insert_or_assign(e.key, e.value);
    }
  }
  void update(const Ref<dict>& other) {
    if (!other) throw TypeError("'NoneType' object is not iterable");  // Python's d.update(None)
    update(*other);
  }

  // d == other: the same keys with equal values (order does not matter, as in Python).
  bool eq(const dict& other) const {
    if (size() != other.size()) return false;
    equal_to<V> value_eq;
    for (std::size_t i = 0; i < table_.end_position(); ++i) {
      const entry& e = *table_.entry_at(i);
      if (!table::is_live(e)) continue;
      entry* theirs = other.table_.lookup(e.key);
      if (!theirs || !value_eq(e.value, theirs->value)) return false;
    }
    return true;
  }
  friend bool operator==(const dict& a, const dict& b) { return a.eq(b); }

  // Snapshots as lists, in insertion order (Python's list(d), list(d.values())).
  Ref<list<K>> keys_list() const {
    auto out = make<list<K>>();
    out->reserve(size());
    for (std::size_t i = 0; i < table_.end_position(); ++i)
      if (table::is_live(*table_.entry_at(i))) out->append(table_.entry_at(i)->key);
    return out;
  }
  Ref<list<V>> values_list() const {
    auto out = make<list<V>>();
    out->reserve(size());
    for (std::size_t i = 0; i < table_.end_position(); ++i)
      if (table::is_live(*table_.entry_at(i))) out->append(table_.entry_at(i)->value);
    return out;
  }

  // ---- iteration ---------------------------------------------------------------------
  // `for k in d` / `for v in d.values()` / `for k, v in d.items()`: one iterator type whose
  // next(k), next_value(v) and next_item(k, v) walk the entries in insertion order.
  // keys()/values()/items() are views, as Python's: live, iterable any number of times,
  // with len() and `in`.
  Ref<dict_iterator<K, V>> iter();
  Ref<dict_view<K, V, dict_view_kind::keys>> keys();
  Ref<dict_view<K, V, dict_view_kind::values>> values();
  Ref<dict_view<K, V, dict_view_kind::items>> items();

  // C++ range-for over the entries (e.key, e.value); throws RuntimeError when a key is
  // added or removed during the loop.
  class iterator {
   public:
    iterator(dict* owner, std::size_t pos) noexcept
        : owner_(owner), pos_(pos), version_(owner->table_.version()) {
      skip_dead();
    }
    entry& operator*() const noexcept { return *owner_->table_.entry_at(pos_); }
    entry* operator->() const noexcept { return owner_->table_.entry_at(pos_); }
    iterator& operator++() noexcept {
      ++pos_;
      skip_dead();
      return *this;
    }
    bool operator!=(const iterator&) const {
      if (owner_->table_.version() != version_) throw RuntimeError("dictionary changed size during iteration");
      return pos_ < owner_->table_.end_position();
    }
    bool operator==(const iterator& end) const { return !(*this != end); }

   private:
    void skip_dead() noexcept {
      auto& t = owner_->table_;
      if (t.version() != version_) return;  // the loop condition reports it
      while (pos_ < t.end_position() && !table::is_live(*t.entry_at(pos_))) ++pos_;
    }
    dict* owner_;
    std::size_t pos_;
    std::uint64_t version_;
  };
  iterator begin() noexcept { return iterator(this, 0); }
  iterator end() noexcept { return iterator(this, 0); }  // the position is in the table

 private:
  template <class K2, class V2>
  friend class dict_iterator;
  mutable table table_;
};

// The iterator object behind `for k in d` and friends. It holds a reference to its dict.
//   auto it = d->iter();
//   K k; V v;
//   while (it->next_item(k, v)) ...
template <class K, class V>
class dict_iterator : public Object {
 public:
  explicit dict_iterator(Ref<dict<K, V>> owner) noexcept
      : owner_(std::move(owner)), version_(owner_->version()), size_(owner_->size()) {}

  // Steps to the next entry; false at the end. RuntimeError if keys were added/removed.
  bool advance() {
    const auto& t = owner_->table_;
    if (t.version() != version_) {
      throw RuntimeError(t.size() != size_ ? "dictionary changed size during iteration"
                                           : "dictionary keys changed during iteration");
    }
    while (pos_ < t.end_position() && !dict<K, V>::table::is_live(*t.entry_at(pos_))) ++pos_;
    if (pos_ >= t.end_position()) return false;
    current_ = pos_++;
    return true;
  }
  // The entry advance() stopped at.
  const K& key() const noexcept { return owner_->table_.entry_at(current_)->key; }
  V& value() const noexcept { return owner_->table_.entry_at(current_)->value; }

  bool next(K& key_out) {
    if (!advance()) return false;
    key_out = key();
    return true;
  }
  bool next_value(V& value_out) {
    if (!advance()) return false;
    value_out = value();
    return true;
  }
  bool next_item(K& key_out, V& value_out) {
    if (!advance()) return false;
    key_out = key();
    value_out = value();
    return true;
  }
  // Python's __next__ over the keys: StopIteration at the end.
  K next_or_stop() {
    if (!advance()) throw StopIteration();
    return key();
  }

 private:
  Ref<dict<K, V>> owner_;
  std::uint64_t version_;
  std::size_t size_;
  std::size_t pos_ = 0;
  std::size_t current_ = 0;
};

template <class K, class V>
Ref<dict_iterator<K, V>> dict<K, V>::iter() {
  return make<dict_iterator<K, V>>(Ref<dict<K, V>>(this));
}

// d.keys(), d.values(), d.items(): a live view of the dict, as Python's dict_keys… — every
// iteration starts a fresh walk in insertion order, len() and `in` read the dict as it is now.
// Holds a reference to its dict.
//   auto ks = d->keys();
//   if (ks->contains(k)) ...;  for (auto it = ks->iter(); it->next(k);) ...
template <class K, class V, dict_view_kind Kind>
class dict_view : public Object {
 public:
  explicit dict_view(Ref<dict<K, V>> owner) noexcept : owner_(std::move(owner)) {}
  index_t len() const noexcept { return owner_->len(); }
  Ref<dict_iterator<K, V>> iter() const { return owner_->iter(); }
  // `k in d.keys()` looks the key up; `v in d.values()` compares every value, as Python does.
  template <class Q>
  bool contains(const Q& x) const {
    if constexpr (Kind == dict_view_kind::keys) {
      return owner_->contains(x);
    } else {
      static_assert(Kind == dict_view_kind::values, "`in` of d.items() takes a (key, value) pair");
      for (auto& e : *owner_)
        if (equals(e.value, x)) return true;
      return false;
    }
  }
  const Ref<dict<K, V>>& mapping() const noexcept { return owner_; }

 private:
  Ref<dict<K, V>> owner_;
};

// The three views under the names lib.pxd declares (a template of two parameters each).
template <class K, class V>
using dict_keys_view = dict_view<K, V, dict_view_kind::keys>;
template <class K, class V>
using dict_values_view = dict_view<K, V, dict_view_kind::values>;
template <class K, class V>
using dict_items_view = dict_view<K, V, dict_view_kind::items>;

template <class K, class V>
Ref<dict_view<K, V, dict_view_kind::keys>> dict<K, V>::keys() {
  return make<dict_view<K, V, dict_view_kind::keys>>(Ref<dict<K, V>>(this));
}
template <class K, class V>
Ref<dict_view<K, V, dict_view_kind::values>> dict<K, V>::values() {
  return make<dict_view<K, V, dict_view_kind::values>>(Ref<dict<K, V>>(this));
}
template <class K, class V>
Ref<dict_view<K, V, dict_view_kind::items>> dict<K, V>::items() {
  return make<dict_view<K, V, dict_view_kind::items>>(Ref<dict<K, V>>(this));
}

// A dict as an element of another container: equal by content, unhashable (TypeError when
// used as a dict key or set member; None is hashable), as in Python.
template <class K, class V>
bool equals(const Ref<dict<K, V>>& a, const Ref<dict<K, V>>& b) {
  if (a.get() == b.get()) return true;
  return a && b && a->eq(*b);
}
template <class K, class V>
std::uint64_t hash_of(const Ref<dict<K, V>>& d) {
  if (d) throw_unhashable<dict<K, V>>();
  return 0;
}

}  // namespace cyn::lib
