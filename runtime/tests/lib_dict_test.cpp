// GoogleTests for cyn::lib::dict: Python's dict methods and errors, insertion order (also
// after delete and re-insert), iteration checks, string keys, reference counting and a
// randomized comparison against std::unordered_map.
#include "cyn/lib/dict.hpp"

#include <gtest/gtest.h>

#include <random>
#include <thread>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cyn/lib/set.hpp"
#include "cyn/lib/string.hpp"

#include "lib_test_util.hpp"

namespace {

using cyn::make;
using cyn::Ref;
using cyn::lib::dict;
using cyn::lib::string;
using Pairs = std::vector<std::pair<long, long>>;

Pairs pairs(dict<long, long>& d) {
  Pairs out;
  for (auto& e : d) out.emplace_back(e.key, e.value);
  return out;
}

struct Tracked : cyn::Object {
  explicit Tracked(int v) : value(v) {}
  int value;
};

class LibDict : public ::testing::Test {
 protected:
  void SetUp() override { start_ = cyn::live_objects(); }
  void TearDown() override { EXPECT_EQ(cyn::live_objects(), start_); }
  std::int64_t start_ = 0;
};

TEST_F(LibDict, SetGetDelAndKeyError) {
  auto d = make<dict<long, long>>();
  d->setitem(1, 10);
  d->setitem(2, 20);
  EXPECT_EQ(d->len(), 2);
  EXPECT_EQ(d->getitem(1), 10);
  d->setitem(1, 11);
  EXPECT_EQ(d->getitem(1), 11);
  EXPECT_EQ(d->len(), 2);
  d->delitem(1);
  EXPECT_FALSE(d->contains(1));
  try {
    d->getitem(1);
    FAIL() << "no KeyError";
  } catch (const cyn::KeyError& e) {
    EXPECT_STREQ(e.what(), "1");  // str(KeyError(1))
  }
  EXPECT_THROW(d->delitem(1), cyn::KeyError);
  EXPECT_THROW(d->delitem(99), cyn::Error);
}

TEST_F(LibDict, InsertionOrderAfterDeleteAndReinsert) {
  // d = {}; d[1]=1; d[2]=2; d[3]=3; del d[1]; d[1]=10; d[2]=20 → [(2, 20), (3, 3), (1, 10)]
  auto d = make<dict<long, long>>();
  d->setitem(1, 1);
  d->setitem(2, 2);
  d->setitem(3, 3);
  d->delitem(1);
  d->setitem(1, 10);
  d->setitem(2, 20);
  EXPECT_EQ(pairs(*d), (Pairs{{2, 20}, {3, 3}, {1, 10}}));
  EXPECT_EQ(d->keys_list()->getitem(0), 2);
  EXPECT_EQ(d->values_list()->getitem(-1), 10);
}

TEST_F(LibDict, GetPopSetdefaultPopitem) {
  auto d = make<dict<long, long>>(std::initializer_list<std::pair<long, long>>{{1, 10}, {2, 20}, {3, 30}});
  EXPECT_EQ(d->get(2, -1), 20);
  EXPECT_EQ(d->get(9, -1), -1);
  EXPECT_EQ(d->pop(2), 20);
  EXPECT_EQ(d->pop(2, -5), -5);
  try {
    d->pop(2);
    FAIL() << "no KeyError";
  } catch (const cyn::KeyError& e) {
    EXPECT_STREQ(e.what(), "2");
  }
  EXPECT_EQ(d->setdefault(1, 99), 10);  // present: unchanged
  EXPECT_EQ(d->setdefault(4, 40), 40);  // absent: inserted last
  EXPECT_EQ(pairs(*d), (Pairs{{1, 10}, {3, 30}, {4, 40}}));
  EXPECT_EQ(d->popitem(), (std::pair<long, long>{4, 40}));  // LIFO
  EXPECT_EQ(d->popitem(), (std::pair<long, long>{3, 30}));
  EXPECT_EQ(d->popitem(), (std::pair<long, long>{1, 10}));
  try {
    d->popitem();
    FAIL() << "no KeyError";
  } catch (const cyn::KeyError& e) {
    EXPECT_STREQ(e.what(), "'popitem(): dictionary is empty'");
  }
  long* missing = d->find(1L);
  EXPECT_EQ(missing, nullptr);
  d->setitem(5, 50);
  *d->find(5L) += 1;
  EXPECT_EQ(d->getitem(5), 51);
  d->at(5) = 7;
  EXPECT_EQ(d->getitem(5), 7);
}

TEST_F(LibDict, ClearCopyUpdateEquality) {
  auto d = make<dict<long, long>>(std::initializer_list<std::pair<long, long>>{{1, 1}, {2, 2}});
  auto c = d->copy();
  EXPECT_TRUE(*c == *d);
  c->setitem(3, 3);
  EXPECT_FALSE(*c == *d);
  EXPECT_EQ(d->len(), 2);
  auto other = make<dict<long, long>>(std::initializer_list<std::pair<long, long>>{{2, 22}, {5, 5}});
  d->update(other);
  EXPECT_EQ(pairs(*d), (Pairs{{1, 1}, {2, 22}, {5, 5}}));
  d->update(d);
  EXPECT_EQ(d->len(), 3);
  // Equality ignores order, compares values.
  auto a = make<dict<long, long>>(std::initializer_list<std::pair<long, long>>{{1, 1}, {2, 2}});
  auto b = make<dict<long, long>>(std::initializer_list<std::pair<long, long>>{{2, 2}, {1, 1}});
  EXPECT_TRUE(*a == *b);
  b->setitem(1, 0);
  EXPECT_FALSE(*a == *b);
  d->clear();
  EXPECT_EQ(d->len(), 0);
  EXPECT_FALSE(d->contains(1));
  d->setitem(8, 8);  // usable after clear
  EXPECT_EQ(pairs(*d), (Pairs{{8, 8}}));
}

TEST_F(LibDict, IteratorObjectOverKeysValuesItems) {
  auto d = make<dict<long, long>>(std::initializer_list<std::pair<long, long>>{{3, 30}, {1, 10}, {2, 20}});
  std::vector<long> keys, values;
  long k, v;
  for (auto it = d->iter(); it->next(k);) keys.push_back(k);
  for (auto it = d->values()->iter(); it->next_value(v);) values.push_back(v);
  EXPECT_EQ(keys, (std::vector<long>{3, 1, 2}));
  EXPECT_EQ(values, (std::vector<long>{30, 10, 20}));
  Pairs items;
  for (auto it = d->items()->iter(); it->next_item(k, v);) items.emplace_back(k, v);
  EXPECT_EQ(items, (Pairs{{3, 30}, {1, 10}, {2, 20}}));
  auto it = d->keys()->iter();
  EXPECT_EQ(it->next_or_stop(), 3);
  EXPECT_EQ(it->next_or_stop(), 1);
  EXPECT_EQ(it->next_or_stop(), 2);
  EXPECT_THROW(it->next_or_stop(), cyn::StopIteration);
}

TEST_F(LibDict, KeysValuesItemsAreLiveViews) {
  auto d = make<dict<long, long>>(std::initializer_list<std::pair<long, long>>{{3, 30}, {1, 10}});
  auto ks = d->keys();
  auto vs = d->values();
  EXPECT_EQ(ks->len(), 2);
  EXPECT_TRUE(ks->contains(3));
  EXPECT_FALSE(ks->contains(30));
  EXPECT_TRUE(vs->contains(30));
  EXPECT_FALSE(vs->contains(3));
  d->setitem(7, 70);  // the views see the change
  EXPECT_EQ(ks->len(), 3);
  EXPECT_TRUE(ks->contains(7));
  EXPECT_TRUE(vs->contains(70));
  for (int round = 0; round < 2; ++round) {  // each iteration walks anew
    std::vector<long> seen;
    long k;
    for (auto it = ks->iter(); it->next(k);) seen.push_back(k);
    EXPECT_EQ(seen, (std::vector<long>{3, 1, 7}));
  }
  ks = nullptr;
  vs = nullptr;
  EXPECT_EQ(d->refcount(), 1u);  // the views released the dict
}

TEST_F(LibDict, MutationDuringIterationRaises) {
  auto d = make<dict<long, long>>(std::initializer_list<std::pair<long, long>>{{1, 1}, {2, 2}});
  long k;
  auto it = d->iter();
  ASSERT_TRUE(it->next(k));
  d->setitem(1, 100);  // changing a value is allowed (as in Python)
  ASSERT_TRUE(it->next(k));
  d->setitem(3, 3);
  try {
    it->next(k);
    FAIL() << "no RuntimeError";
  } catch (const cyn::RuntimeError& e) {
    EXPECT_STREQ(e.what(), "dictionary changed size during iteration");
  }
  auto it2 = d->iter();
  d->delitem(3);
  d->setitem(4, 4);  // same size, different keys
  try {
    it2->next(k);
    FAIL() << "no RuntimeError";
  } catch (const cyn::RuntimeError& e) {
    EXPECT_STREQ(e.what(), "dictionary keys changed during iteration");
  }
  EXPECT_THROW(
      {
        for (auto& e : *d) {
          if (e.key == 1) d->delitem(2);
        }
      },
      cyn::RuntimeError);
}

TEST_F(LibDict, StringKeysByContentAndTextLookup) {
  auto d = make<dict<Ref<string>, long>>();
  d->setitem(make<string>("nine"), 9);
  d->setitem(make<string>("ten"), 10);
  EXPECT_EQ(d->getitem(make<string>("nine")), 9);  // a different object, same text
  d->setitem(make<string>("nine"), 99);
  EXPECT_EQ(d->len(), 2);
  ASSERT_NE(d->find(std::string_view("nine")), nullptr);
  EXPECT_EQ(*d->find(std::string_view("nine")), 99);
  EXPECT_EQ(d->find(std::string_view("eleven")), nullptr);
  try {
    d->getitem(make<string>("eleven"));
    FAIL() << "no KeyError";
  } catch (const cyn::KeyError& e) {
    EXPECT_STREQ(e.what(), "'eleven'");  // str(KeyError('eleven'))
  }
  // Long keys (heap-stored text) behave the same.
  std::string long_key(200, 'k');
  d->setitem(make<string>(long_key), 1);
  EXPECT_TRUE(d->contains(make<string>(long_key)));
}

TEST_F(LibDict, ObjectKeysByIdentityAndCountedValues) {
  auto a = make<Tracked>(1);
  auto b = make<Tracked>(1);  // equal fields, different object
  {
    auto d = make<dict<Ref<Tracked>, Ref<Tracked>>>();
    d->setitem(a, b);
    EXPECT_TRUE(d->contains(a));
    EXPECT_FALSE(d->contains(b));
    EXPECT_EQ(a->refcount(), 2u);
    EXPECT_EQ(b->refcount(), 2u);
    d->setitem(a, make<Tracked>(5));  // overwriting drops b
    EXPECT_EQ(b->refcount(), 1u);
    d->setitem(b, a);
    EXPECT_EQ(a->refcount(), 3u);
    Ref<Tracked> got = d->pop(b);
    EXPECT_EQ(got.get(), a.get());
    EXPECT_EQ(b->refcount(), 1u);
    for (int i = 0; i < 50; ++i) d->setitem(make<Tracked>(i), make<Tracked>(i));
    auto c = d->copy();
    c->clear();
    auto dflt = d->setdefault(b, make<Tracked>(7));
    EXPECT_EQ(dflt->value, 7);
    // d dies holding 52 pairs
  }
  EXPECT_EQ(a->refcount(), 1u);
  EXPECT_EQ(b->refcount(), 1u);
  try {
    auto d = make<dict<Ref<Tracked>, long>>();
    d->getitem(a);
    FAIL() << "no KeyError";
  } catch (const cyn::KeyError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("<object at 0x", 0), 0u) << e.what();
  }
}

// A value whose destructor reads the dict it was removed from.
struct Watcher : cyn::Object {
  dict<long, Ref<Watcher>>* owner = nullptr;
  std::size_t* seen = nullptr;
  ~Watcher() override {
    if (owner) *seen = owner->size();
  }
};

TEST_F(LibDict, DestructorSeesConsistentDict) {
  auto d = make<dict<long, Ref<Watcher>>>();
  std::size_t seen = 99;
  for (long i = 0; i < 3; ++i) {
    auto w = make<Watcher>();
    w->owner = d.get();
    w->seen = &seen;
    d->setitem(i, w);
  }
  d->delitem(0);
  EXPECT_EQ(seen, 2u);
  d->pop(1);
  EXPECT_EQ(seen, 1u);
  d->clear();
  EXPECT_EQ(seen, 0u);
}

TEST_F(LibDict, DoubleKeysTreatNegativeZeroAsZero) {
  auto d = make<dict<double, int>>();
  d->setitem(0.0, 1);
  d->setitem(-0.0, 2);  // -0.0 == 0.0 in Python: the same key
  EXPECT_EQ(d->len(), 1);
  EXPECT_EQ(d->getitem(0.0), 2);
  try {
    d->getitem(1.5);
    FAIL() << "no KeyError";
  } catch (const cyn::KeyError& e) {
    EXPECT_STREQ(e.what(), "1.5");
  }
}

TEST_F(LibDict, RandomOperationsMatchUnorderedMap) {
  // Many inserts, overwrites and deletes (tombstones, tail reclaim, rebuilds) checked
  // against std::unordered_map, then order checked against an insertion log.
  std::mt19937_64 rng(12345);
  auto d = make<dict<long, long>>();
  std::unordered_map<long, long> ref;
  std::vector<long> order;  // the keys in Python's order
  for (int step = 0; step < 200000; ++step) {
    long key = static_cast<long>(rng() % 2000) * 1024;  // keys sharing low zero bits
    switch (rng() % 4) {
      case 0:
      case 1:
        if (!ref.count(key)) order.push_back(key);
        d->setitem(key, step);
        ref[key] = step;
        break;
      case 2:
        if (ref.erase(key)) {
          d->delitem(key);
          std::erase(order, key);
        } else {
          EXPECT_THROW(d->delitem(key), cyn::KeyError);
        }
        break;
      default: {
        long* v = d->find(key);
        auto it = ref.find(key);
        ASSERT_EQ(v != nullptr, it != ref.end());
        if (v) {
          ASSERT_EQ(*v, it->second);
        }
      }
    }
    ASSERT_EQ(d->size(), ref.size());
  }
  std::vector<long> keys;
  for (auto& e : *d) keys.push_back(e.key);
  EXPECT_EQ(keys, order);
}

}  // namespace

namespace {

// Read-only sharing is allowed: several threads look up string keys in one dict (the
// string hash cache is the only thing written, atomically). Run under TSan too.
TEST_F(LibDict, ConcurrentReadersShareADict) {
  auto d = make<dict<Ref<string>, long>>();
  for (long i = 0; i < 1000; ++i) d->setitem(string::from_long(i), i);
  auto shared_key = make<string>("500");  // its hash is first computed by racing readers
  std::vector<std::thread> readers;
  std::vector<long> sums(4, 0);
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&, t] {
      long sum = 0;
      for (int round = 0; round < 20; ++round) {
        sum += d->getitem(shared_key);
        for (long i = 0; i < 1000; i += 7) sum += *d->find(std::string_view(string::from_long(i)->view()));
      }
      sums[t] = sum;
    });
  }
  for (auto& r : readers) r.join();
  long expected = 0;
  for (long i = 0; i < 1000; i += 7) expected += i;
  for (long s : sums) EXPECT_EQ(s, 20 * (500 + expected));
}

}  // namespace

namespace {

// Deleting everything, then inserting other keys, again and again: deleted slots pile up
// while the entry array is reclaimed; the table must rebuild before its probes could run
// out of empty slots (a lookup of a missing key would never end).
TEST_F(LibDict, ChurnOfDeleteAllAndReinsertKeepsProbesFinite) {
  auto d = make<dict<long, long>>();
  long next = 0;
  for (int round = 0; round < 200; ++round) {
    for (int i = 0; i < 5; ++i) d->setitem(next + i, i);
    for (int i = 0; i < 5; ++i) EXPECT_EQ(d->getitem(next + i), i);
    EXPECT_FALSE(d->contains(-1));  // a miss walks the probe chain to an empty slot
    for (int i = 0; i < 5; ++i) d->delitem(next + i);
    EXPECT_FALSE(d->contains(next));
    next += 5;
  }
  // The same with popitem (LIFO) and a set-like pattern of one key in, one out.
  for (long i = 0; i < 1000; ++i) {
    d->setitem(i * 31, i);
    EXPECT_FALSE(d->contains(i * 31 + 1));
    EXPECT_EQ(d->popitem().second, i);
  }
  EXPECT_EQ(d->len(), 0);
}

}  // namespace

namespace {

// {1: [0, 1]} == {1: [0, 1]} in Python: values that are containers compare by content.
TEST_F(LibDict, ContainerValuesCompareByContent) {
  using Row = Ref<cyn::lib::list<long>>;
  auto row = [](std::initializer_list<long> xs) { return make<cyn::lib::list<long>>(xs); };
  auto a = make<dict<long, Row>>();
  auto b = make<dict<long, Row>>();
  a->setitem(1, row({0, 1}));
  b->setitem(1, row({0, 1}));
  EXPECT_TRUE(*a == *b);
  b->getitem(1)->append(2);
  EXPECT_FALSE(*a == *b);
  auto outer = make<cyn::lib::list<Ref<dict<long, Row>>>>();
  outer->append(a);
  auto a2 = a->copy();
  EXPECT_TRUE(outer->contains(a2));  // another dict, same content
  EXPECT_FALSE(outer->contains(b));
}

TEST_F(LibDict, NoneUpdateAndUnhashableKeys) {
  auto d = make<dict<long, long>>();
  d->setitem(1, 1);
  EXPECT_TYPE_ERROR(d->update(Ref<dict<long, long>>()), "'NoneType' object is not iterable");  // d.update(None)
  EXPECT_TYPE_ERROR(d->update(nullptr), "'NoneType' object is not iterable");
  EXPECT_EQ(pairs(*d), (Pairs{{1, 1}}));
  // {{}: 1} raises TypeError: unhashable type: 'dict'
  auto outer = make<dict<Ref<dict<long, long>>, long>>();
  EXPECT_TYPE_ERROR(outer->setitem(d, 1), "unhashable type: 'dict'");
  EXPECT_TRUE(outer->empty());
  // an empty dict refuses them too: `{} in {}`, `del {}[{}]` are TypeErrors in Python
  EXPECT_TYPE_ERROR(outer->contains(d), "unhashable type: 'dict'");
  EXPECT_TYPE_ERROR(outer->delitem(d), "unhashable type: 'dict'");
  outer->setitem(nullptr, 2);
  EXPECT_TYPE_ERROR(outer->get(d, 0), "unhashable type: 'dict'");
  auto empty_set = make<cyn::lib::set<Ref<dict<long, long>>>>();
  EXPECT_TYPE_ERROR(empty_set->contains(d), "unhashable type: 'dict'");
  auto strings = make<dict<Ref<cyn::lib::string>, long>>();
  EXPECT_FALSE(strings->contains(make<cyn::lib::string>("absent")));  // hashable: plain False
}

}  // namespace
