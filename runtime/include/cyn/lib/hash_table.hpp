// cyn/lib/hash_table.hpp — the insertion-ordered hash table under lib.dict and lib.set.
//
// The compact layout of CPython's dict: an `entries` array in insertion order (hash, key,
// value) and a power-of-two `slots` array, probed linearly from a Fibonacci-hashed start.
// A slot holds a 32-bit entry number and 32 bits of the key's hash (a tag), so probing past
// other keys rarely touches their entries: a lookup costs about one slot and one entry
// access. Iteration walks the dense entries (fast, and in insertion order). Deleting leaves
// a tombstone entry and a DELETED slot; both go at the next rebuild.
//
//   detail::hash_table<long, double> t;
//   t.insert_or_assign(7, 1.5);
//   if (auto* e = t.lookup(7)) use(e->value);
//   t.erase(7);
//
// Internal to dict/set (namespace detail): they add Python's API, errors and iterators.
//
// Invariants:
// - entries_[0, used_) are live entries or tombstones (hash == kTombstone, key/value
//   destroyed); live_ counts the live ones; used_ == 0 or entries_[used_-1] is live;
// - every live entry has exactly one slot holding its number and its hash's low 32 bits;
//   no slot names a tombstone;
// - used_ <= capacity_ and filled_ (slots not EMPTY: live or DELETED) <= capacity_, which
//   is 2/3 of the slot count, so at least a third of the slots are EMPTY and every probe
//   ends (filled_ is tracked apart from used_ because reclaiming tail tombstones lowers
//   used_ but leaves their DELETED slots);
// - version_ changes whenever a key is added or removed (iterators check it);
// - keys and values are destroyed only once the table is consistent again (a destructor
//   may run a __dealloc__ that reads this table).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <new>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "cyn/lib/element.hpp"
#include "cyn/lib/errors.hpp"
#include "cyn/lib/memory.hpp"

namespace cyn::lib::detail {

// The value type of a set's table: takes no room in an entry.
struct no_value {
  bool operator==(const no_value&) const noexcept { return true; }
};

template <class K, class V>
struct table_entry {
  std::uint64_t hash;
  K key;
  [[no_unique_address]] V value;
};

template <class K, class V>
class hash_table {
 public:
  using entry = table_entry<K, V>;
  static constexpr std::uint64_t kTombstone = ~std::uint64_t{0};

  hash_table() noexcept = default;
  hash_table(const hash_table& other) {
    if (other.live_ == 0) return;
    rebuild_into_new(other, capacity_for(other.live_));
  }
  hash_table& operator=(const hash_table&) = delete;
  ~hash_table() { release(entries_, used_, slots_); }

  std::size_t size() const noexcept { return live_; }
  std::uint64_t version() const noexcept { return version_; }
  // Entries ever used, tombstones included: iteration runs over [0, end_position()).
  std::size_t end_position() const noexcept { return used_; }
  entry* entry_at(std::size_t position) noexcept { return entries_ + position; }
  const entry* entry_at(std::size_t position) const noexcept { return entries_ + position; }
  static bool is_live(const entry& e) noexcept { return e.hash != kTombstone; }

  // The hash a key is stored under (never kTombstone).
  template <class Q>
  static std::uint64_t hash_key(const Q& key) {
    std::uint64_t h;
    if constexpr (std::is_same_v<Q, K>) {
      h = hash<K>{}(key);
    } else {
      h = hash_of(key);  // heterogeneous lookup (text for a Ref<string> key)
    }
    return h == kTombstone ? h - 1 : h;
  }

  // The live entry whose key equals `key`, or nullptr.
  template <class Q>
  entry* lookup(const Q& key) const {
    if (live_ == 0) return nullptr;
    std::size_t slot = find_slot(key, hash_key(key));
    return slot == npos ? nullptr : entries_ + slot_number(slots_[slot]);
  }

  // Inserts key → value, or assigns value to the existing key (which is kept, as in
  // Python). Returns the entry and whether it is new.
  template <class KK, class VV>
  std::pair<entry*, bool> insert_or_assign(KK&& key, VV&& value) {
    std::uint64_t h = hash_key(key);
    std::size_t slot = live_ ? find_slot(key, h) : npos;
    if (slot != npos) {
      entry* e = entries_ + slot_number(slots_[slot]);
      e->value = std::forward<VV>(value);  // the old value dies after the slot is updated
      return {e, false};
    }
    return {append_new(h, std::forward<KK>(key), std::forward<VV>(value)), true};
  }
  // Inserts key → value when the key is absent; returns the (old or new) entry.
  template <class KK, class VV>
  std::pair<entry*, bool> insert_if_absent(KK&& key, VV&& value) {
    std::uint64_t h = hash_key(key);
    std::size_t slot = live_ ? find_slot(key, h) : npos;
    if (slot != npos) return {entries_ + slot_number(slots_[slot]), false};
    return {append_new(h, std::forward<KK>(key), std::forward<VV>(value)), true};
  }

  // Removes `key`; its key and value are moved into `*out` (when given) before the table
  // forgets them. Returns false when the key is absent.
  template <class Q>
  bool erase(const Q& key, entry* out = nullptr) {
    if (live_ == 0) return false;
    std::size_t slot = find_slot(key, hash_key(key));
    if (slot == npos) return false;
    erase_slot(slot, out);
    return true;
  }

  // Removes the most recently inserted live entry into `*out`; false when empty.
  bool pop_last(entry* out) {
    if (live_ == 0) return false;
    std::size_t number = used_ - 1;  // live by the invariant
    std::size_t slot = bucket(entries_[number].hash);
    while (slot_number(slots_[slot]) != number) slot = (slot + 1) & mask_;
    erase_slot(slot, out);
    return true;
  }

  // Removes everything; keys and values are destroyed after the table is already empty.
  void clear() noexcept {
    entry* old_entries = entries_;
    std::uint64_t* old_slots = slots_;
    std::size_t old_used = used_;
    entries_ = nullptr;
    slots_ = nullptr;
    used_ = live_ = filled_ = capacity_ = mask_ = 0;
    ++version_;
    release(old_entries, old_used, old_slots);
  }

  // Makes room for `n` keys without a rebuild.
  void reserve(std::size_t n) {
    if (n > capacity_) rebuild(n);
  }

 private:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  // Slot words: tag << 32 | entry number. EMPTY and DELETED use entry numbers no entry
  // can have (the capacity stays below them).
  static constexpr std::uint32_t kDeleted = 0xfffffffeu;
  static constexpr std::uint64_t kEmptySlot = ~std::uint64_t{0};
  static constexpr std::uint64_t kDeletedSlot = kDeleted;
  static std::uint32_t slot_number(std::uint64_t word) noexcept { return static_cast<std::uint32_t>(word); }
  static std::uint64_t slot_word(std::uint64_t h, std::uint32_t number) noexcept {
    return (h << 32) | number;
  }

  // Slot count for at least `n` entries at a 2/3 load: a power of two, at least 8.
  static std::size_t slots_for(std::size_t n) noexcept {
    std::size_t slots = 8;
    while (slots * 2 / 3 < n) slots *= 2;
    return slots;
  }
  static std::size_t capacity_for(std::size_t n) noexcept { return slots_for(n) * 2 / 3; }

  // Fibonacci hashing: the top bits of h * 2^64/phi, so keys that differ only in their low
  // or only in their high bits still spread over the table.
  std::size_t bucket(std::uint64_t h) const noexcept {
    return static_cast<std::size_t>((h * 0x9e3779b97f4a7c15ull) >> shift_);
  }

  template <class Q>
  std::size_t find_slot(const Q& key, std::uint64_t h) const {
    std::size_t slot = bucket(h);
    const std::uint64_t tag = h << 32;
    while (true) {
      std::uint64_t word = slots_[slot];
      if (word == kEmptySlot) return npos;
      if ((word & 0xffffffff00000000ull) == tag && word != kDeletedSlot) {
        const entry& e = entries_[slot_number(word)];
        if (e.hash == h) {
          if constexpr (std::is_same_v<Q, K>) {
            if (equal_to<K>{}(e.key, key)) return slot;
          } else {
            if (equals(e.key, key)) return slot;
          }
        }
      }
      slot = (slot + 1) & mask_;
    }
  }

  // Appends a new entry for a key known to be absent.
  template <class KK, class VV>
  entry* append_new(std::uint64_t h, KK&& key, VV&& value) {
    if (used_ == capacity_ || filled_ == capacity_) rebuild(live_ + 1);
    std::size_t number = used_;
    new (entries_ + number) entry{h, K(std::forward<KK>(key)), V(std::forward<VV>(value))};
    place(h, static_cast<std::uint32_t>(number));
    ++used_;
    ++live_;
    ++version_;
    return entries_ + number;
  }

  // Gives entry `number` the first free slot on its probe path (EMPTY or DELETED).
  void place(std::uint64_t h, std::uint32_t number) noexcept {
    std::size_t slot = bucket(h);
    while (slots_[slot] != kEmptySlot && slots_[slot] != kDeletedSlot) slot = (slot + 1) & mask_;
    if (slots_[slot] == kEmptySlot) ++filled_;
    slots_[slot] = slot_word(h, number);
  }

  void erase_slot(std::size_t slot, entry* out) {
    std::size_t number = slot_number(slots_[slot]);
    entry& e = entries_[number];
    // Move the key and value out first: they die after the table is consistent.
    entry doomed{e.hash, std::move(e.key), std::move(e.value)};
    e.key.~K();
    e.value.~V();
    e.hash = kTombstone;
    slots_[slot] = kDeletedSlot;
    --live_;
    ++version_;
    while (used_ > 0 && entries_[used_ - 1].hash == kTombstone) --used_;  // reclaim the tail
    if (out) *out = std::move(doomed);
  }

  // Moves the live entries, in order, into fresh arrays sized for `min_entries` (at least
  // twice the live count, so growth is amortised), dropping tombstones.
  void rebuild(std::size_t min_entries) {
    std::size_t want = live_ * 2 > min_entries ? live_ * 2 : min_entries;
    std::size_t slots = slots_for(want);
    std::size_t capacity = slots * 2 / 3;
    if (capacity >= kDeleted) throw std::length_error("hash table too large");
    entry* fresh = allocate_array<entry>(capacity);
    std::uint64_t* fresh_slots;
    try {
      fresh_slots = allocate_array<std::uint64_t>(slots);
    } catch (...) {
      free_array(fresh);
      throw;
    }
    std::size_t n = 0;
    for (std::size_t i = 0; i < used_; ++i) {
      entry& e = entries_[i];
      if (e.hash == kTombstone) continue;
      new (fresh + n) entry{e.hash, std::move(e.key), std::move(e.value)};
      e.key.~K();
      e.value.~V();
      ++n;
    }
    free_array(entries_);
    free_array(slots_);
    install(fresh, fresh_slots, slots, capacity, n);
  }

  // Copy construction: this table is empty; copies other's live entries.
  void rebuild_into_new(const hash_table& other, std::size_t capacity) {
    std::size_t slots = slots_for(capacity);
    capacity = slots * 2 / 3;
    entry* fresh = allocate_array<entry>(capacity);
    std::uint64_t* fresh_slots = allocate_array<std::uint64_t>(slots);
    std::size_t n = 0;
    for (std::size_t i = 0; i < other.used_; ++i) {
      const entry& e = other.entries_[i];
      if (e.hash == kTombstone) continue;
      new (fresh + n) entry{e.hash, e.key, e.value};
      ++n;
    }
    install(fresh, fresh_slots, slots, capacity, n);
  }

  void install(entry* fresh, std::uint64_t* fresh_slots, std::size_t slots, std::size_t capacity,
               std::size_t n) noexcept {
    entries_ = fresh;
    slots_ = fresh_slots;
    capacity_ = capacity;
    mask_ = slots - 1;
    shift_ = 64 - static_cast<unsigned>(__builtin_ctzll(slots));
    used_ = live_ = n;
    filled_ = 0;  // place() counts the slots it fills
    for (std::size_t i = 0; i < slots; ++i) slots_[i] = kEmptySlot;
    for (std::size_t i = 0; i < n; ++i) place(entries_[i].hash, static_cast<std::uint32_t>(i));
  }

  static void release(entry* entries, std::size_t used, std::uint64_t* slots) noexcept {
    if constexpr (!std::is_trivially_destructible_v<K> || !std::is_trivially_destructible_v<V>) {
      for (std::size_t i = 0; i < used; ++i) {
        if (entries[i].hash == kTombstone) continue;
        entries[i].key.~K();
        entries[i].value.~V();
      }
    }
    free_array(entries);
    free_array(slots);
  }

  entry* entries_ = nullptr;
  std::uint64_t* slots_ = nullptr;
  std::size_t used_ = 0;
  std::size_t live_ = 0;
  std::size_t filled_ = 0;
  std::size_t capacity_ = 0;
  std::size_t mask_ = 0;
  unsigned shift_ = 64;
  std::uint64_t version_ = 0;
};

}  // namespace cyn::lib::detail
