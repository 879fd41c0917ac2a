// cyn/lib/hash_table.hpp — the insertion-ordered hash table under lib.dict and lib.set.
//
// The compact layout of CPython's dict: an `entries` array in insertion order (key, value,
// and the key's hash unless the key caches it: see table_entry) and a power-of-two `slots`
// array, at most half full, probed linearly from a Fibonacci-hashed start.
// A slot holds a 32-bit entry number and the top 32 bits of the Fibonacci-hashed key (a
// tag), so probing past other keys rarely touches their entries: a lookup costs about one
// slot and one entry access; an entry of a string key also keeps the key's text when it is
// short (key_shadow), so a lookup by content does not read the key's object. Because the tag holds the bits the start slot comes from, a
// rebuild re-slots the keys by walking the old slots in order, without reading an entry:
// the new slots fill almost sequentially (growing a big table is then a few streaming
// passes, not one cache and TLB miss per key). Iteration walks the dense entries (fast,
// and in insertion order). Deleting leaves a tombstone entry and a DELETED slot; both go at
// the next rebuild. Arrays of a few MiB or more ask the kernel for huge pages: a big
// table's random slot and entry accesses then miss the TLB far less.
//
//   detail::hash_table<long, double> t;
//   t.insert_or_assign(7, 1.5);
//   if (auto* e = t.lookup(7)) use(e->value);
//   t.erase(7);
//
// Internal to dict/set (namespace detail): they add Python's API, errors and iterators.
//
// Invariants:
// - entries_[0, used_) are live entries or tombstones (is_live false, key/value
//   destroyed); live_ counts the live ones; used_ == 0 or entries_[used_-1] is live;
// - every live entry has exactly one slot holding its number and its tag; no slot names a
//   tombstone; a key's probe path runs from bucket(tag) to its slot over non-EMPTY slots;
// - used_ <= capacity_ and filled_ (slots not EMPTY: live or DELETED) <= capacity_, which
//   is half the slot count, so at least half the slots are EMPTY and every probe
//   ends (filled_ is tracked apart from used_ because reclaiming tail tombstones lowers
//   used_ but leaves their DELETED slots);
// - version_ changes whenever a key is added or removed (iterators check it);
// - keys and values are destroyed only once the table is consistent again (a destructor
//   may run a __dealloc__ that reads this table).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <new>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <utility>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "cyn/lib/element.hpp"
#include "cyn/lib/errors.hpp"
#include "cyn/lib/memory.hpp"

namespace cyn::lib {
class string;
}

namespace cyn::lib::detail {

// The value type of a set's table: takes no room in an entry.
struct no_value {
  bool operator==(const no_value&) const noexcept { return true; }
};

// What an entry keeps about its key besides the key itself, so that a probe can tell
// whether the key equals the one looked up without reading the key's object (for a key held
// by reference, the one cache miss of a lookup a compact table could still save). None by
// default: scalars compare in place, and other objects are compared through their pointer.
template <class K>
struct key_shadow {
  struct type {};
  static constexpr bool kEnabled = false;
};

// String keys keep their text when it is short (most dict keys: names, words, ids), so a
// lookup by content compares the entry's bytes. Here, not in string.hpp, so that every
// translation unit sees the same entry layout; the functions are defined in string.hpp.
template <>
struct key_shadow<Ref<string>> {
  static constexpr std::size_t kCapacity = 15;
  static constexpr std::uint8_t kUnknown = 0xff;  // text longer than kCapacity, or None
  static constexpr std::uint8_t kDead = 0xfe;     // the entry is a tombstone (see table_entry)
  // Two words, so that a new entry's shadow is built in registers and stored as two words:
  // filled byte by byte on the stack and then copied whole, it stalled every insert on a
  // failed store-to-load forward. In memory order: byte 0 is the size (0..kCapacity, else
  // kUnknown), then the text; bytes past the size are unspecified (never compared).
  struct type {
    std::uint64_t word[2];
    std::uint8_t size() const noexcept { return static_cast<std::uint8_t>(word[0]); }
    const char* text() const noexcept { return reinterpret_cast<const char*>(word) + 1; }
  };
  static constexpr bool kEnabled = true;
  static type of(const Ref<string>& key) noexcept;
  // 1: the keys are equal, 0: they are not, -1: compare the keys themselves.
  static int match(const type& shadow, const Ref<string>& probe) noexcept;
  static int match(const type& shadow, std::string_view probe) noexcept;
  template <class Q>
  static int match(const type&, const Q&) noexcept {
    return -1;
  }
};

// An entry keeps its key's hash, except where the key keeps it itself and a shadow tells keys
// apart (a string: its hash is cached in the object). Such an entry is 8 bytes smaller (32
// bytes for a string → long dict: two per cache line, less to move when the table grows),
// and marks a tombstone in its shadow instead of its hash.
template <class K>
inline constexpr bool kEntryKeepsHash = !key_shadow<K>::kEnabled;

template <class K, class V, bool = kEntryKeepsHash<K>>
struct table_entry {
  std::uint64_t hash;  // kTombstone: a tombstone
  K key;
  [[no_unique_address]] V value;
  [[no_unique_address]] typename key_shadow<K>::type shadow;
};
template <class K, class V>
struct table_entry<K, V, false> {
  K key;
  [[no_unique_address]] V value;
  typename key_shadow<K>::type shadow;  // filled when the key goes in; size() kDead: a tombstone
};

// Keys that compare as cheaply as their hashes (and whose equal keys hash alike): a probe
// compares them directly instead of first comparing the stored hash.
template <class K>
inline constexpr bool kCheapKey = std::is_arithmetic_v<K> || std::is_enum_v<K> || std::is_pointer_v<K>;

// Types whose objects may move by a plain byte copy, the source then being forgotten
// without its destructor: trivially copyable types, and Refs (one pointer, whose move only
// clears the source). A rebuild moves such entries with one memcpy.
template <class T>
struct relocates_by_memcpy : std::is_trivially_copyable<T> {};
template <class X>
struct relocates_by_memcpy<Ref<X>> : std::true_type {};

// Room for `n` table elements; a block big enough to hold whole 2 MiB pages asks the kernel
// to back it with huge pages (transparent huge pages are usually opt-in, "madvise"): the
// random slot and entry accesses of a big table then miss the TLB far less, and filling it
// takes a page fault per 2 MiB instead of per 4 KiB. Only advice: nothing changes if the
// kernel declines.
template <class T>
T* allocate_table_array(std::size_t n) {
  T* p = allocate_array<T>(n);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t kHugePage = std::uintptr_t{2} << 20;
  std::size_t bytes = n * sizeof(T);
  if (bytes >= 2 * kHugePage) {
    std::uintptr_t begin = (reinterpret_cast<std::uintptr_t>(p) + kHugePage - 1) & ~(kHugePage - 1);
    std::uintptr_t end = (reinterpret_cast<std::uintptr_t>(p) + bytes) & ~(kHugePage - 1);
    if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
  }
#endif
  return p;
}

template <class K, class V>
class hash_table {
 public:
  using entry = table_entry<K, V>;
  static constexpr std::uint64_t kTombstone = ~std::uint64_t{0};

  hash_table() noexcept = default;
  hash_table(const hash_table& other) {
    if (other.live_ == 0) return;
    copy_from(other);
  }
  hash_table& operator=(const hash_table&) = delete;
  ~hash_table() { release(entries_, used_, slots_); }

  std::size_t size() const noexcept { return live_; }
  std::uint64_t version() const noexcept { return version_; }
  // Entries ever used, tombstones included: iteration runs over [0, end_position()).
  std::size_t end_position() const noexcept { return used_; }
  entry* entry_at(std::size_t position) noexcept { return entries_ + position; }
  const entry* entry_at(std::size_t position) const noexcept { return entries_ + position; }
  static bool is_live(const entry& e) noexcept {
    if constexpr (kEntryKeepsHash<K>) {
      return e.hash != kTombstone;
    } else {
      return e.shadow.size() != key_shadow<K>::kDead;
    }
  }

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
    if (live_ == 0) {
      refuse_unhashable(key);
      return nullptr;
    }
    probe_result r = probe<false>(key, hash_key(key));
    return r.found ? entries_ + slot_number(slots_[r.slot]) : nullptr;
  }

  // Inserts key → value, or assigns value to the existing key (which is kept, as in
  // Python). Returns the entry and whether it is new.
  template <class KK, class VV>
  std::pair<entry*, bool> insert_or_assign(KK&& key, VV&& value) {
    std::uint64_t h = hash_key(key);
    probe_result r = slots_ ? probe<true>(key, h) : probe_result{npos, false};
    if (r.found) {
      entry* e = entries_ + slot_number(slots_[r.slot]);
      e->value = std::forward<VV>(value);  // the old value dies after the slot is updated
      return {e, false};
    }
    return {append_new(h, r.slot, std::forward<KK>(key), std::forward<VV>(value)), true};
  }
  // Inserts key → value when the key is absent; returns the (old or new) entry.
  template <class KK, class VV>
  std::pair<entry*, bool> insert_if_absent(KK&& key, VV&& value) {
    std::uint64_t h = hash_key(key);
    probe_result r = slots_ ? probe<true>(key, h) : probe_result{npos, false};
    if (r.found) return {entries_ + slot_number(slots_[r.slot]), false};
    return {append_new(h, r.slot, std::forward<KK>(key), std::forward<VV>(value)), true};
  }

  // Removes `key`; its key and value are moved into `*out` (when given) before the table
  // forgets them. Returns false when the key is absent.
  template <class Q>
  bool erase(const Q& key, entry* out = nullptr) {
    if (live_ == 0) {
      refuse_unhashable(key);
      return false;
    }
    probe_result r = probe<false>(key, hash_key(key));
    if (!r.found) return false;
    erase_slot(r.slot, out);
    return true;
  }

  // Removes the most recently inserted live entry into `*out`; false when empty.
  bool pop_last(entry* out) {
    if (live_ == 0) return false;
    std::size_t number = used_ - 1;  // live by the invariant
    std::size_t slot = bucket_of_tag(tag_of(hash_of_entry(entries_[number])));
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
    shift_ = 64;
    ++version_;
    release(old_entries, old_used, old_slots);
  }

  // Makes room for `n` keys without a rebuild.
  void reserve(std::size_t n) {
    if (n > capacity_) rebuild(n);
  }

 private:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  // Slot words: tag << 32 | entry number. EMPTY and DELETED use entry numbers no entry can
  // have (the capacity stays below them), so a key whose tag happens to be all ones is told
  // apart from them by the number.
  static constexpr std::uint32_t kDeleted = 0xfffffffeu;
  static constexpr std::uint64_t kEmptySlot = ~std::uint64_t{0};
  static constexpr std::uint64_t kDeletedSlot = 0xffffffff00000000ull | kDeleted;
  static constexpr std::uint64_t kTagBits = 0xffffffff00000000ull;
  static std::uint32_t slot_number(std::uint64_t word) noexcept { return static_cast<std::uint32_t>(word); }
  static bool tag_matches(std::uint64_t word, std::uint64_t tag) noexcept { return (word ^ tag) <= 0xffffffffu; }

  // Fibonacci hashing: the top bits of h * 2^64/phi, so keys that differ only in their low
  // or only in their high bits still spread over the table. The tag is the top 32 of them
  // (in the high half of a slot word); a table's bucket is the tag's top log2(slots) bits,
  // which stay meaningful for any table this one can hold (at most 2^32 slots).
  static std::uint64_t tag_of(std::uint64_t h) noexcept { return (h * 0x9e3779b97f4a7c15ull) & kTagBits; }
  std::size_t bucket_of_tag(std::uint64_t tag) const noexcept { return static_cast<std::size_t>(tag >> shift_); }

  // Slot count for at least `n` entries at most half full: a power of two, at least 8.
  // Linear probing slows down fast past that load (runs of full slots merge), while a slot
  // costs a third of an entry, so the table keeps more slots than CPython's (2/3 full) and
  // fewer entries per slot.
  static std::size_t slots_for(std::size_t n) noexcept {
    std::size_t slots = 8;
    while (capacity_of(slots) < n) slots *= 2;
    return slots;
  }
  static std::size_t capacity_of(std::size_t slots) noexcept { return slots / 2; }

  // Below this many keys a full table grows fourfold, not twofold (as CPython's dict did up
  // to 3.2): a table filled from empty then moves each key about a third as often, which
  // measured 8.8 -> 5.3 ns per int-key insert at 10k keys and 17.5 -> 14.8 ns at 100k. The
  // price is memory: such a table may be a quarter full right after growing (the largest one
  // grown this way has room for 64k keys: 2.5 MiB of arrays with int keys, 3.6 with strings).
  static constexpr std::size_t kQuadrupleBelow = std::size_t{1} << 16;

  // Where a probe for a key stopped: its slot (found), or the slot a new key would take
  // (the first DELETED on the path, else the EMPTY that ended it).
  struct probe_result {
    std::size_t slot;
    bool found;
  };

  // An empty table needs no hash, but Python still refuses an unhashable key (`[1] in {}` is a
  // TypeError): a key whose hash may throw is hashed anyway (numbers and strings are not).
  template <class Q>
  static void refuse_unhashable(const Q& key) {
    if constexpr (!noexcept(hash_of(std::declval<const Q&>()))) (void)hash_key(key);
  }

  // Linear probing from the key's bucket. A slot whose tag differs is passed without
  // reading its entry; DELETED slots are passed too (with kFindFree the first one is kept as
  // the place for a new key); the first EMPTY ends the probe.
  template <bool kFindFree, class Q>
  probe_result probe(const Q& key, std::uint64_t h) const {
    const std::uint64_t tag = tag_of(h);
    std::size_t slot = bucket_of_tag(tag);
    std::size_t free_slot = npos;
    while (true) {
      std::uint64_t word = slots_[slot];
      if (tag_matches(word, tag) && slot_number(word) < kDeleted) {  // EMPTY and DELETED have tag ~0
        if (key_is(entries_[slot_number(word)], key, h)) return {slot, true};
      } else if (word == kEmptySlot) {
        return {free_slot == npos ? slot : free_slot, false};
      } else if (kFindFree && word == kDeletedSlot && free_slot == npos) {
        free_slot = slot;
      }
      slot = (slot + 1) & mask_;
    }
  }

  // Whether live entry e holds `key` (whose stored hash would be h).
  template <class Q>
  static bool key_is(const entry& e, const Q& key, std::uint64_t h) {
    if constexpr (key_shadow<K>::kEnabled) {
      // (no stored hash to compare first: the slot's 32-bit tag matched already)
      int shadow_says = key_shadow<K>::match(e.shadow, key);
      if (shadow_says >= 0) return shadow_says == 1;
      if constexpr (std::is_same_v<Q, K>) {
        return equal_to<K>{}(e.key, key);
      } else {
        return equals(e.key, key);
      }
    } else if constexpr (kCheapKey<K> && std::is_same_v<Q, K>) {
      return equal_to<K>{}(e.key, key);  // as cheap as the hash, and equal keys hash alike
    } else if constexpr (std::is_same_v<Q, K>) {
      return e.hash == h && equal_to<K>{}(e.key, key);
    } else {
      return e.hash == h && equals(e.key, key);
    }
  }

  // Appends a new entry for a key known to be absent; `slot` is where the probe for it
  // stopped (npos when there are no slots yet).
  template <class KK, class VV>
  entry* append_new(std::uint64_t h, std::size_t slot, KK&& key, VV&& value) {
    bool takes_empty = slot == npos || slots_[slot] == kEmptySlot;
    if (used_ == capacity_ || (takes_empty && filled_ == capacity_)) {
      rebuild(live_ + 1);
      slot = free_slot_for(tag_of(h));  // the table moved: find the key's slot again
      takes_empty = true;               // a fresh table has no DELETED slots
    }
    // The shadow is taken before the key is copied in: copying a Ref is an atomic increment,
    // which waits for every earlier memory access, and the key's bytes are in cache now.
    typename key_shadow<K>::type shadow{};
    constexpr bool kShadowFirst = key_shadow<K>::kEnabled && std::is_same_v<std::remove_cvref_t<KK>, K>;
    if constexpr (kShadowFirst) shadow = key_shadow<K>::of(key);
    std::size_t number = used_;
    entry* e;
    if constexpr (kEntryKeepsHash<K>) {
      e = new (entries_ + number) entry{h, K(std::forward<KK>(key)), V(std::forward<VV>(value)), shadow};
    } else {
      e = new (entries_ + number) entry{K(std::forward<KK>(key)), V(std::forward<VV>(value)), shadow};
    }
    if constexpr (key_shadow<K>::kEnabled && !kShadowFirst) e->shadow = key_shadow<K>::of(e->key);
    slots_[slot] = tag_of(h) | number;
    filled_ += takes_empty;
    ++used_;
    ++live_;
    ++version_;
    return entries_ + number;
  }

  // The first EMPTY slot on the probe path of `tag` in a table without DELETED slots.
  std::size_t free_slot_for(std::uint64_t tag) const noexcept {
    std::size_t slot = bucket_of_tag(tag);
    while (slots_[slot] != kEmptySlot) slot = (slot + 1) & mask_;
    return slot;
  }

  // The hash a live entry's key is stored under: kept in the entry, or asked of the key.
  static std::uint64_t hash_of_entry(const entry& e) {
    if constexpr (kEntryKeepsHash<K>) {
      return e.hash;
    } else {
      return hash_key(e.key);
    }
  }
  // An entry holding e's key and value (moved out of e), for erase's caller.
  static entry moved_out(entry& e) {
    if constexpr (kEntryKeepsHash<K>) {
      return entry{e.hash, std::move(e.key), std::move(e.value), e.shadow};
    } else {
      return entry{std::move(e.key), std::move(e.value), e.shadow};
    }
  }
  static void mark_dead(entry& e) noexcept {
    if constexpr (kEntryKeepsHash<K>) {
      e.hash = kTombstone;
    } else {
      e.shadow.word[0] = key_shadow<K>::kDead;
    }
  }

  void erase_slot(std::size_t slot, entry* out) {
    std::size_t number = slot_number(slots_[slot]);
    entry& e = entries_[number];
    // Move the key and value out first: they die after the table is consistent.
    entry doomed = moved_out(e);
    e.key.~K();
    e.value.~V();
    mark_dead(e);
    slots_[slot] = kDeletedSlot;
    --live_;
    ++version_;
    while (used_ > 0 && !is_live(entries_[used_ - 1])) --used_;  // reclaim the tail
    if (out) *out = std::move(doomed);
  }

  // Moves the live entries, in order, into fresh arrays sized for `min_entries` (at least
  // twice the live count, so growth is amortised; four times while the table is small),
  // dropping tombstones.
  void rebuild(std::size_t min_entries) {
    std::size_t grown = live_ * (live_ < kQuadrupleBelow ? 4 : 2);
    std::size_t want = grown > min_entries ? grown : min_entries;
    std::size_t slots = slots_for(want);
    std::size_t capacity = capacity_of(slots);
    if (capacity >= kDeleted) throw std::length_error("hash table too large");
    auto [fresh, fresh_slots] = allocate_arrays(capacity, slots);
    std::size_t n = 0;
    if (relocates_by_memcpy<K>::value && relocates_by_memcpy<V>::value && used_ == live_) {
      // The entries now live in `fresh`; the old array is freed without destroying them.
      if (used_) std::memcpy(static_cast<void*>(fresh), static_cast<const void*>(entries_), used_ * sizeof(entry));
      n = used_;
    } else {
      for (std::size_t i = 0; i < used_; ++i) {
        entry& e = entries_[i];
        if (!is_live(e)) continue;
        new (fresh + n) entry(std::move(e));
        e.key.~K();
        e.value.~V();
        ++n;
      }
    }
    // Without tombstones every entry keeps its number, so the old slot words can be moved
    // over as they are, in slot order; otherwise the entries are slotted anew.
    bool numbers_kept = n == used_;
    std::uint64_t* old_slots = slots_;
    std::size_t old_slot_count = slots_ ? mask_ + 1 : 0;
    free_array(entries_);
    install(fresh, fresh_slots, slots, capacity, n);
    if (numbers_kept) {
      reslot_from(old_slots, old_slot_count);
    } else {
      reslot_from_entries();
    }
    free_array(old_slots);
  }

  // Arrays for `capacity` entries and `slots` slots: both, or an exception and neither.
  static std::pair<entry*, std::uint64_t*> allocate_arrays(std::size_t capacity, std::size_t slots) {
    entry* fresh = allocate_table_array<entry>(capacity);
    try {
      return {fresh, allocate_table_array<std::uint64_t>(slots)};
    } catch (...) {
      free_array(fresh);
      throw;
    }
  }

  // Copy construction: this table is empty; copies other's live entries. A table without
  // tombstones keeps its numbers, so its slots are copied as they are.
  void copy_from(const hash_table& other) {
    bool same_slots = other.used_ == other.live_;
    std::size_t slots = same_slots ? other.mask_ + 1 : slots_for(other.live_);
    std::size_t capacity = capacity_of(slots);
    auto [fresh, fresh_slots] = allocate_arrays(capacity, slots);
    std::size_t n = 0;
    try {
      for (std::size_t i = 0; i < other.used_; ++i) {
        const entry& e = other.entries_[i];
        if (!is_live(e)) continue;
        new (fresh + n) entry(e);
        ++n;
      }
    } catch (...) {
      release(fresh, n, fresh_slots);
      throw;
    }
    install(fresh, fresh_slots, slots, capacity, n);
    if (same_slots) {
      std::memcpy(slots_, other.slots_, slots * sizeof(std::uint64_t));
      filled_ = other.filled_;
    } else {
      reslot_from_entries();
    }
  }

  // Takes fresh arrays holding n entries; the slots start all EMPTY.
  void install(entry* fresh, std::uint64_t* fresh_slots, std::size_t slots, std::size_t capacity,
               std::size_t n) noexcept {
    entries_ = fresh;
    slots_ = fresh_slots;
    capacity_ = capacity;
    mask_ = slots - 1;
    shift_ = 64 - static_cast<unsigned>(__builtin_ctzll(slots));
    used_ = live_ = n;
    filled_ = 0;
    std::memset(slots_, 0xff, slots * sizeof(std::uint64_t));  // every slot kEmptySlot
  }

  // Slots every entry from its stored hash (entries in order: random slot accesses).
  void reslot_from_entries() noexcept {
    for (std::size_t i = 0; i < used_; ++i) {
      std::uint64_t tag = tag_of(hash_of_entry(entries_[i]));
      slots_[free_slot_for(tag)] = tag | i;
    }
    filled_ = used_;
  }

  // Moves the live words of the old slot array into these EMPTY slots (the entries kept
  // their numbers). The old array is walked in order; when the table grew, a word's new
  // bucket is its old bucket scaled up, so the writes move forward through the new array too
  // (wrapped probe runs aside): streaming passes over both arrays, and no entry is read.
  void reslot_from(const std::uint64_t* old_slots, std::size_t old_count) noexcept {
    // Live and EMPTY words alternate at random, so a branch on each word would mispredict
    // about every other time: the live words of a chunk are first gathered without a branch.
    constexpr std::size_t kChunk = 256;
    std::uint64_t live[kChunk];
    for (std::size_t base = 0; base < old_count; base += kChunk) {
      std::size_t end = base + kChunk < old_count ? base + kChunk : old_count;
      std::size_t count = 0;
      for (std::size_t i = base; i < end; ++i) {
        std::uint64_t word = old_slots[i];
        live[count] = word;
        count += slot_number(word) < kDeleted;  // not EMPTY or DELETED
      }
      for (std::size_t j = 0; j < count; ++j) slots_[free_slot_for(live[j] & kTagBits)] = live[j];
    }
    filled_ = used_;
  }

  static void release(entry* entries, std::size_t used, std::uint64_t* slots) noexcept {
    if constexpr (!std::is_trivially_destructible_v<K> || !std::is_trivially_destructible_v<V>) {
      for (std::size_t i = 0; i < used; ++i) {
        if (!is_live(entries[i])) continue;
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
