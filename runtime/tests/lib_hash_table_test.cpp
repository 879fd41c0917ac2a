// GoogleTests for the table under lib.dict and lib.set (cyn/lib/hash_table.hpp), through
// dict: keys whose hashes collide completely or share a tag, the tag that looks like an
// EMPTY/DELETED slot, growth that moves slot words (no tombstones) against growth that
// re-slots entries (tombstones), reuse of DELETED slots, copies of both kinds, reserve, and a
// table big enough to take the huge-page path, string keys around the length up to which an
// entry keeps the key's text, probe runs that wrap past the end of the slot array while the
// table grows, a rebuild that shrinks the table, and random operations against a model.
// Each test checks lookups, order and counts.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "cyn/lib/dict.hpp"
#include "cyn/lib/set.hpp"
#include "cyn/lib/string.hpp"

namespace probe_keys {

// A key whose hash the test chooses: equal by id, so different ids may share a hash.
struct Key {
  long id;
  std::uint64_t hash;
  bool operator==(const Key& other) const noexcept { return id == other.id; }
};
inline std::uint64_t hash_of(const Key& k) noexcept { return k.hash; }

}  // namespace probe_keys

namespace {

using cyn::make;
using cyn::Ref;
using cyn::lib::dict;
using probe_keys::Key;

// The hash whose Fibonacci tag is all ones, the tag bits of the EMPTY and DELETED slot words:
// h * 0x9e3779b97f4a7c15 == 0xffffffff00000000 (mod 2^64), found through the multiplier's
// inverse (Newton's iteration for the inverse of an odd number mod 2^64).
std::uint64_t hash_with_all_ones_tag() {
  const std::uint64_t phi = 0x9e3779b97f4a7c15ull;
  std::uint64_t inverse = phi;
  for (int i = 0; i < 6; ++i) inverse *= 2 - phi * inverse;
  return 0xffffffff00000000ull * inverse;
}

std::vector<long> keys_of(dict<long, long>& d) {
  std::vector<long> out;
  for (auto& e : d) out.push_back(e.key);
  return out;
}

class LibHashTable : public ::testing::Test {
 protected:
  void SetUp() override { start_ = cyn::live_objects(); }
  void TearDown() override { EXPECT_EQ(cyn::live_objects(), start_); }
  std::int64_t start_ = 0;
};

TEST_F(LibHashTable, AllOnesTagIsNotMistakenForEmptyOrDeleted) {
  const std::uint64_t h = hash_with_all_ones_tag();
  ASSERT_EQ((h * 0x9e3779b97f4a7c15ull) >> 32, 0xffffffffull);
  auto d = make<dict<Key, long>>();
  // Keys of that hash, some deleted (DELETED slots with all-ones tag bits on their path).
  for (long i = 0; i < 40; ++i) d->setitem(Key{i, h}, i * 10);
  for (long i = 0; i < 40; i += 2) d->delitem(Key{i, h});
  EXPECT_EQ(d->len(), 20);
  for (long i = 0; i < 40; ++i) {
    EXPECT_EQ(d->contains(Key{i, h}), i % 2 == 1) << i;
    if (i % 2 == 1) EXPECT_EQ(d->getitem(Key{i, h}), i * 10);
  }
  EXPECT_THROW(d->getitem(Key{1000, h}), cyn::KeyError);
  // Re-inserting takes DELETED slots; order is Python's: the new keys go last.
  for (long i = 0; i < 40; i += 2) d->setitem(Key{i, h}, -i);
  std::vector<long> ids;
  for (auto& e : *d) ids.push_back(e.key.id);
  std::vector<long> expected;
  for (long i = 1; i < 40; i += 2) expected.push_back(i);
  for (long i = 0; i < 40; i += 2) expected.push_back(i);
  EXPECT_EQ(ids, expected);
  EXPECT_EQ(d->getitem(Key{0, h}), 0);
  EXPECT_EQ(d->getitem(Key{38, h}), -38);
}

TEST_F(LibHashTable, FullHashCollisionsAndTheTombstoneHash) {
  // Every key in one of three hashes (long probe runs, equal tags), one of them the value the
  // table reserves for tombstones (stored as its neighbour).
  const std::uint64_t hashes[] = {7, ~std::uint64_t{0}, ~std::uint64_t{0} - 1};
  auto d = make<dict<Key, long>>();
  for (long i = 0; i < 300; ++i) d->setitem(Key{i, hashes[i % 3]}, i);
  for (long i = 0; i < 300; i += 5) d->delitem(Key{i, hashes[i % 3]});
  for (long i = 0; i < 300; ++i) {
    Key k{i, hashes[i % 3]};
    ASSERT_EQ(d->contains(k), i % 5 != 0) << i;
    if (i % 5 != 0) ASSERT_EQ(d->getitem(k), i);
  }
  EXPECT_FALSE(d->contains(Key{301, 7}));  // a key never inserted, in the crowded run
  EXPECT_EQ(d->len(), 240);
  auto copy = d->copy();  // tombstones: the copy re-slots its entries
  EXPECT_TRUE(copy->eq(*d));
}

TEST_F(LibHashTable, GrowthWithoutTombstonesKeepsEveryKeyAndOrder) {
  // Pure inserts: every rebuild moves the old slot words in slot order.
  std::mt19937_64 rng(7);
  auto d = make<dict<long, long>>();
  std::vector<long> order;
  for (long i = 0; i < 50000; ++i) {
    long k = static_cast<long>(rng());
    if (d->contains(k)) continue;
    d->setitem(k, i);
    order.push_back(k);
  }
  EXPECT_EQ(keys_of(*d), order);
  for (std::size_t i = 0; i < order.size(); ++i) ASSERT_TRUE(d->find(order[i]) != nullptr);
  EXPECT_FALSE(d->contains(-1));
}

TEST_F(LibHashTable, GrowthWithTombstonesRenumbersAndKeepsOrder) {
  // Deletes in the middle leave tombstones, so the next rebuild renumbers the entries and
  // slots them again from their hashes.
  auto d = make<dict<long, long>>();
  std::vector<long> order;
  for (long i = 0; i < 20000; ++i) {
    d->setitem(i * 3, i);
    order.push_back(i * 3);
    if (i % 3 == 2) {  // delete an older key: a tombstone before the tail
      long doomed = order[order.size() / 2];
      d->delitem(doomed);
      std::erase(order, doomed);
    }
  }
  EXPECT_EQ(keys_of(*d), order);
  EXPECT_EQ(d->size(), order.size());
  for (long k : order) ASSERT_EQ(d->getitem(k), k / 3);
  // popitem takes the newest even after all that.
  auto last = d->popitem();
  EXPECT_EQ(last.first, order.back());
  order.pop_back();
  EXPECT_EQ(keys_of(*d), order);
}

// The hash whose Fibonacci-mixed value is `mixed` (so the test picks a key's bucket and tag).
std::uint64_t hash_mixing_to(std::uint64_t mixed) {
  const std::uint64_t phi = 0x9e3779b97f4a7c15ull;
  std::uint64_t inverse = phi;
  for (int i = 0; i < 6; ++i) inverse *= 2 - phi * inverse;
  return mixed * inverse;
}

TEST_F(LibHashTable, GrowthMovesProbeRunsThatWrapPastTheEnd) {
  // Keys whose buckets are the last ones of every table size: their probe run wraps to the
  // front of the slot array, before and after each growth, among ordinary keys.
  auto d = make<dict<Key, long>>();
  std::vector<Key> keys;
  for (long i = 0; i < 3000; ++i) {
    std::uint64_t h = i % 3 == 0 ? hash_mixing_to((0xffffffffull - i % 97) << 32) : static_cast<std::uint64_t>(i) * 1000003;
    keys.push_back(Key{i, h});
    d->setitem(keys.back(), i);
    if (i % 250 == 0 || i < 64) {
      for (const Key& k : keys) ASSERT_EQ(d->getitem(k), k.id) << "after " << i << " inserts";
    }
  }
  std::vector<long> ids;
  for (auto& e : *d) ids.push_back(e.key.id);
  ASSERT_EQ(ids.size(), keys.size());
  for (std::size_t i = 0; i < ids.size(); ++i) ASSERT_EQ(ids[i], static_cast<long>(i));
  EXPECT_FALSE(d->contains(Key{-1, hash_mixing_to(0xffffffffull << 32)}));
}

TEST_F(LibHashTable, ShrinkingRebuildKeepsNumbersAndFindsEveryKey) {
  // popitem reclaims the tail, so no tombstone is left but DELETED slots are: the table then
  // rebuilds smaller than it was while keeping its entry numbers.
  auto d = make<dict<long, long>>();
  for (long i = 0; i < 4000; ++i) d->setitem(i * 7919, i);
  for (long i = 0; i < 3990; ++i) d->popitem();
  ASSERT_EQ(d->len(), 10);
  std::vector<long> expected;
  for (long i = 0; i < 10; ++i) expected.push_back(i * 7919);
  for (long i = 0; i < 5000; ++i) {
    long k = -1 - i * 31;
    d->setitem(k, i);
    expected.push_back(k);
    if (i % 97 == 0) {
      for (long j = 10; j < 4000; j += 37) ASSERT_FALSE(d->contains(j * 7919)) << j;
      for (long e : expected) ASSERT_TRUE(d->contains(e)) << e << " after " << i;
    }
  }
  EXPECT_EQ(keys_of(*d), expected);
}

TEST_F(LibHashTable, RandomOperationsAgreeWithAModel) {
  // Inserts, deletes (middle and tail) and popitem at random over a small key range with
  // clustered hashes, checked against a model after every step: every kind of rebuild (grow,
  // same size, shrink; with and without tombstones) happens many times.
  std::mt19937_64 rng(2026);
  auto d = make<dict<Key, long>>();
  std::vector<std::pair<long, long>> model;  // insertion order, as Python keeps it
  auto hash_of_id = [](long id) { return hash_mixing_to(static_cast<std::uint64_t>(id % 61) << 58 | static_cast<std::uint64_t>(id)); };
  auto find = [&](long id) {
    for (std::size_t i = 0; i < model.size(); ++i)
      if (model[i].first == id) return static_cast<long>(i);
    return -1l;
  };
  for (long step = 0; step < 30000; ++step) {
    long id = static_cast<long>(rng() % 600);
    int op = static_cast<int>(rng() % 10);
    long at = find(id);
    if (op < 5) {
      d->setitem(Key{id, hash_of_id(id)}, step);
      if (at >= 0) model[at].second = step; else model.emplace_back(id, step);
    } else if (op < 9) {
      if (at >= 0) {
        d->delitem(Key{id, hash_of_id(id)});
        model.erase(model.begin() + at);
      } else {
        ASSERT_THROW(d->delitem(Key{id, hash_of_id(id)}), cyn::KeyError);
      }
    } else if (!model.empty()) {
      auto [k, v] = d->popitem();
      ASSERT_EQ(k.id, model.back().first);
      ASSERT_EQ(v, model.back().second);
      model.pop_back();
    }
    ASSERT_EQ(d->len(), static_cast<long>(model.size()));
    if (step % 50 == 0) {
      std::size_t i = 0;
      for (auto& e : *d) {
        ASSERT_LT(i, model.size());
        ASSERT_EQ(e.key.id, model[i].first);
        ASSERT_EQ(e.value, model[i].second);
        ++i;
      }
      for (long other = 0; other < 600; ++other) ASSERT_EQ(d->contains(Key{other, hash_of_id(other)}), find(other) >= 0);
    }
  }
}

TEST_F(LibHashTable, DeletedSlotsAreReusedWithoutGrowingForever) {
  // Insert/delete churn of distinct keys at a constant size: DELETED slots fill up and a
  // same-size rebuild clears them; lookups stay right throughout.
  auto d = make<dict<long, long>>();
  for (long i = 0; i < 100; ++i) d->setitem(i, i);
  for (long round = 0; round < 200; ++round) {
    long base = 1000 + round * 100;
    for (long i = 0; i < 100; ++i) d->setitem(base + i, i);
    long old = round == 0 ? 0 : base - 100;
    for (long i = 0; i < 100; ++i) d->delitem(old + i);
    ASSERT_EQ(d->len(), 100);
    ASSERT_TRUE(d->contains(base + 99));
    ASSERT_FALSE(d->contains(old + 50));
  }
  std::vector<long> expected;
  for (long i = 0; i < 100; ++i) expected.push_back(1000 + 199 * 100 + i);
  EXPECT_EQ(keys_of(*d), expected);
}

TEST_F(LibHashTable, CopiesWithAndWithoutTombstonesAreIndependent) {
  auto d = make<dict<long, long>>();
  for (long i = 0; i < 1000; ++i) d->setitem(i * 7, i);
  auto plain = d->copy();  // no tombstones: the slot array is copied as it is
  d->delitem(7);           // a tombstone in the middle
  d->delitem(999 * 7);     // and one at the tail (reclaimed: DELETED slot, no tombstone)
  auto holed = d->copy();
  EXPECT_EQ(plain->len(), 1000);
  EXPECT_EQ(holed->len(), 998);
  EXPECT_TRUE(holed->eq(*d));
  EXPECT_FALSE(plain->eq(*d));
  plain->setitem(-1, -1);
  holed->setitem(-2, -2);
  EXPECT_FALSE(d->contains(-1));
  EXPECT_FALSE(d->contains(-2));
  EXPECT_TRUE(plain->contains(7));
  EXPECT_FALSE(holed->contains(7));
  // Copying a dict whose only deletions were at the tail keeps its DELETED slots.
  auto tail = make<dict<long, long>>();
  for (long i = 0; i < 50; ++i) tail->setitem(i, i);
  for (long i = 49; i >= 40; --i) tail->delitem(i);
  auto tail_copy = tail->copy();
  for (long i = 0; i < 60; ++i) ASSERT_EQ(tail_copy->contains(i), i < 40) << i;
  for (long i = 100; i < 200; ++i) tail_copy->setitem(i, i);  // grows from the copied slots
  EXPECT_EQ(tail_copy->len(), 140);
  EXPECT_EQ(tail_copy->getitem(150), 150);
  EXPECT_EQ(tail->len(), 40);
}

TEST_F(LibHashTable, ReserveThenGrowPastIt) {
  auto d = make<dict<long, long>>();
  d->reserve(1000);
  std::uint64_t version = d->version();
  d->reserve(10);  // already room: nothing changes
  EXPECT_EQ(d->version(), version);
  for (long i = 0; i < 5000; ++i) d->setitem(i << 40, i);  // keys differing only in high bits
  for (long i = 0; i < 5000; ++i) ASSERT_EQ(d->getitem(i << 40), i);
  std::vector<long> keys = keys_of(*d);
  ASSERT_EQ(keys.size(), 5000u);
  EXPECT_EQ(keys.front(), 0);
  EXPECT_EQ(keys.back(), 4999l << 40);
}

TEST_F(LibHashTable, GrowthDuringIterationRaises) {
  auto d = make<dict<long, long>>();
  for (long i = 0; i < 5; ++i) d->setitem(i, i);
  auto it = d->iter();
  long k = 0;
  ASSERT_TRUE(it->next(k));
  for (long i = 100; i < 200; ++i) d->setitem(i, i);  // several rebuilds
  EXPECT_THROW(it->next(k), cyn::RuntimeError);
}

TEST_F(LibHashTable, StringKeysAroundTheShortTextLimitCompareByContent) {
  // Entries keep the text of keys up to 15 bytes and compare it in place; longer keys and
  // None are compared through the key object. Keys that agree on 15 bytes or differ only
  // in length must stay apart; probes are other objects (never the stored ones).
  using cyn::lib::string;
  const std::vector<std::string> texts = {
      "", "a", "b", "ab", "abcdefghijklmn", "abcdefghijklmno", "abcdefghijklmnp",
      "abcdefghijklmnop", "abcdefghijklmnoq", "abcdefghijklmnopqrstuvw", "abcdefghijklmnopqrstuvwx",
      std::string("a\0b", 3), std::string(15, '\0'), std::string(16, '\0')};
  auto d = make<dict<Ref<string>, long>>();
  for (std::size_t i = 0; i < texts.size(); ++i) d->setitem(make<string>(texts[i]), static_cast<long>(i));
  d->setitem(Ref<string>(), -1);  // None is a key too
  ASSERT_EQ(d->len(), static_cast<cyn::lib::index_t>(texts.size() + 1));
  for (std::size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(d->getitem(make<string>(texts[i])), static_cast<long>(i)) << i;
    long* by_text = d->find(std::string_view(texts[i]));
    ASSERT_NE(by_text, nullptr) << i;
    EXPECT_EQ(*by_text, static_cast<long>(i));
  }
  EXPECT_EQ(d->getitem(Ref<string>()), -1);
  for (const char* absent : {"c", "abcdefghijklm", "abcdefghijklmnoz", "abcdefghijklmnopz", "abcdefghijklmnopqrstuvwy"}) {
    EXPECT_FALSE(d->contains(make<string>(absent))) << absent;
    EXPECT_EQ(d->find(std::string_view(absent)), nullptr) << absent;
  }
  EXPECT_FALSE(d->contains(make<string>(std::string(14, '\0'))));
  // Deleting and re-adding keeps the comparisons right (the shadow goes with its entry).
  d->delitem(make<string>("abcdefghijklmno"));
  d->delitem(Ref<string>());
  EXPECT_FALSE(d->contains(make<string>("abcdefghijklmno")));
  EXPECT_TRUE(d->contains(make<string>("abcdefghijklmnop")));
  EXPECT_FALSE(d->contains(Ref<string>()));
  for (long i = 0; i < 2000; ++i) d->setitem(make<string>("k" + std::to_string(i)), i);  // rebuilds
  EXPECT_EQ(d->getitem(make<string>("abcdefghijklmn")), 4);
  EXPECT_EQ(d->getitem(make<string>("abcdefghijklmnopqrstuvwx")), 10);
  EXPECT_EQ(d->getitem(make<string>("k1999")), 1999);
  auto copy = d->copy();  // tombstones: entries copied one by one, shadows with them
  EXPECT_EQ(copy->getitem(make<string>("abcdefghijklmnoq")), 8);
  EXPECT_FALSE(copy->contains(make<string>("abcdefghijklmno")));
  // A set of strings shares the table.
  auto s = make<cyn::lib::set<Ref<string>>>();
  for (const auto& t : texts) s->add(make<string>(t));
  s->add(make<string>("ab"));
  EXPECT_EQ(s->len(), static_cast<cyn::lib::index_t>(texts.size()));
  EXPECT_TRUE(s->contains(std::string_view("abcdefghijklmnoq")));
  EXPECT_FALSE(s->contains(std::string_view("abcdefghijklmnor")));
}

TEST_F(LibHashTable, StringShadowDecidesOnlyWhatItKnows) {
  // The table asks the shadow first, and only a hash match gets that far: test it alone, as
  // equal hashes with unequal text (which it must still tell apart) are not to be found.
  using cyn::lib::string;
  using shadow = cyn::lib::detail::key_shadow<Ref<string>>;
  auto short_key = shadow::of(make<string>("abc"));
  EXPECT_EQ(shadow::match(short_key, make<string>("abc")), 1);
  EXPECT_EQ(shadow::match(short_key, make<string>("abd")), 0);  // same length, other bytes
  EXPECT_EQ(shadow::match(short_key, make<string>("ab")), 0);
  EXPECT_EQ(shadow::match(short_key, std::string_view("abc")), 1);
  EXPECT_EQ(shadow::match(short_key, std::string_view("xbc")), 0);
  EXPECT_EQ(shadow::match(short_key, Ref<string>()), -1);  // None: the keys decide
  auto empty_key = shadow::of(make<string>(""));
  EXPECT_EQ(shadow::match(empty_key, std::string_view("")), 1);
  EXPECT_EQ(shadow::match(empty_key, std::string_view("a")), 0);
  auto long_key = shadow::of(make<string>("0123456789abcdef"));  // 16 bytes: not kept
  EXPECT_EQ(shadow::match(long_key, make<string>("0123456789abcdef")), -1);
  EXPECT_EQ(shadow::match(long_key, make<string>("0123456789abcde")), 0);  // short ≠ long
  auto none_key = shadow::of(Ref<string>());
  EXPECT_EQ(shadow::match(none_key, make<string>("abc")), 0);
  EXPECT_EQ(shadow::match(none_key, Ref<string>()), -1);
}

TEST_F(LibHashTable, StringShadowKeepsEveryLengthApart) {
  // The shadow packs a short key's text into two words (byte 0 the size, the text split
  // across the two): every length up to and past its capacity, with keys that differ only in
  // their last byte or only in length.
  using cyn::lib::string;
  using shadow = cyn::lib::detail::key_shadow<Ref<string>>;
  for (std::size_t n = 0; n <= shadow::kCapacity + 2; ++n) {
    std::string text(n, 'k');
    for (std::size_t i = 0; i < n; ++i) text[i] = static_cast<char>('a' + (i * 7) % 26);
    auto key = shadow::of(make<string>(text));
    EXPECT_EQ(shadow::match(key, make<string>(text)), n <= shadow::kCapacity ? 1 : -1) << n;
    EXPECT_EQ(shadow::match(key, std::string_view(text)), n <= shadow::kCapacity ? 1 : -1) << n;
    if (n > 0) {
      std::string other = text;
      other[n - 1] = static_cast<char>(other[n - 1] ^ 1);
      int want = n <= shadow::kCapacity ? 0 : -1;
      EXPECT_EQ(shadow::match(key, make<string>(other)), want) << n;
      EXPECT_EQ(shadow::match(key, std::string_view(other)), want) << n;
      std::string shorter = text.substr(0, n - 1);
      EXPECT_EQ(shadow::match(key, make<string>(shorter)), n - 1 <= shadow::kCapacity ? 0 : -1) << n;
    }
    // The same text cut out of a longer string: the shadow does not see the bytes after it.
    auto cut = make<string>(text + "zzzz")->slice(0, static_cast<cyn::lib::index_t>(n));
    EXPECT_EQ(shadow::match(key, cut), n <= shadow::kCapacity ? 1 : -1) << n;
  }
  auto d = make<dict<Ref<string>, long>>();
  for (long n = 0; n <= 18; ++n) d->setitem(make<string>(std::string(static_cast<std::size_t>(n), 'x')), n);
  for (long n = 0; n <= 18; ++n) {
    std::string text(static_cast<std::size_t>(n), 'x');
    EXPECT_EQ(*d->find(std::string_view(text)), n);
  }
  EXPECT_EQ(d->find(std::string_view("xxxxxxxy")), nullptr);
}

TEST_F(LibHashTable, BigStringTableCountsItsReferences) {
  // A table whose arrays take the huge-page path (slots of 4 MiB and more); string keys
  // are counted through every move of a rebuild and released with the dict.
  const long n = 400000;
  std::vector<Ref<cyn::lib::string>> keys;
  keys.reserve(n);
  for (long i = 0; i < n; ++i) keys.push_back(make<cyn::lib::string>("k" + std::to_string(i)));
  {
    auto d = make<dict<Ref<cyn::lib::string>, long>>();
    for (long i = 0; i < n; ++i) d->setitem(keys[i], i);
    EXPECT_EQ(d->len(), n);
    EXPECT_EQ(keys[12345]->refcount(), 2u);  // the vector's and the dict's
    for (long i = 0; i < n; i += 997) ASSERT_EQ(*d->find(std::string_view("k" + std::to_string(i))), i);
    long position = 0;
    for (auto& e : *d) {
      ASSERT_EQ(e.key.get(), keys[position].get());
      ++position;
    }
    EXPECT_EQ(position, n);
  }
  EXPECT_EQ(keys[12345]->refcount(), 1u);
}

}  // namespace
