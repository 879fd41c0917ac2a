// GoogleTests for containers of objects whose class defines Python's special methods: the
// overlay compiles `def __eq__(self, Card other)` and friends to C++ members of those names,
// and the containers must then treat the objects as Python's list/dict/set do (expected
// behaviour taken from CPython 3): __eq__ after identity, __hash__, __lt__ or the reflected
// __gt__ for sort(), __repr__ in KeyError; TypeError where Python raises it; and a sort whose
// comparison throws keeps every item.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "cyn/lib/dict.hpp"
#include "cyn/lib/list.hpp"
#include "cyn/lib/set.hpp"
#include "cyn/lib/string.hpp"

namespace {

using cyn::make;
using cyn::Ref;
using cyn::lib::dict;
using cyn::lib::list;
using cyn::lib::set;

// Shaped like a class the overlay generates: special methods as virtual members taking Refs,
// returning int (bint) and Py_ssize_t-like integers.
struct Card : cyn::Object {
  Card(long rank, long suit) : rank(rank), suit(suit) {}
  long rank, suit;
  static inline int compare_budget = -1;  // >= 0: the comparison after that many throws
  virtual int __eq__(Ref<Card> other) { return rank == other->rank && suit == other->suit; }
  virtual long __hash__() { return rank * 31 + suit; }
  virtual int __lt__(Ref<Card> other) {
    if (compare_budget == 0) throw cyn::ValueError("cannot compare");
    if (compare_budget > 0) --compare_budget;
    return rank < other->rank;
  }
  virtual Ref<cyn::lib::string> __repr__() {
    return make<cyn::lib::string>("Card(" + std::to_string(rank) + ", " + std::to_string(suit) + ")");
  }
};

// Only __gt__: sort() uses it reflected (b > a for a < b), as Python does.
struct Rung : cyn::Object {
  explicit Rung(long height) : height(height) {}
  long height;
  virtual int __gt__(Ref<Rung> other) { return height > other->height; }
};

// __eq__ without __hash__: unhashable in Python.
struct Point : cyn::Object {
  explicit Point(long x) : x(x) {}
  long x;
  virtual int __eq__(Ref<Point> other) { return x == other->x; }
};

// No special method at all: identity, no order.
struct Plain : cyn::Object {};

class LibSpecialMethods : public ::testing::Test {
 protected:
  void SetUp() override {
    start_ = cyn::live_objects();
    Card::compare_budget = -1;
  }
  void TearDown() override {
    Card::compare_budget = -1;
    EXPECT_EQ(cyn::live_objects(), start_);
  }
  std::int64_t start_ = 0;
};

TEST_F(LibSpecialMethods, ListSearchUsesEq) {
  auto xs = make<list<Ref<Card>>>();
  xs->append(make<Card>(1, 0));
  xs->append(make<Card>(2, 0));
  xs->append(make<Card>(1, 0));
  auto probe = make<Card>(1, 0);  // another object, equal to two items
  EXPECT_TRUE(xs->contains(probe));
  EXPECT_EQ(xs->index(probe), 0);
  EXPECT_EQ(xs->count(probe), 2);
  xs->remove(probe);
  EXPECT_EQ(xs->len(), 2);
  EXPECT_EQ(xs->getitem(0)->rank, 2);
  EXPECT_FALSE(xs->contains(make<Card>(9, 9)));
  EXPECT_FALSE(xs->contains(Ref<Card>()));  // None equals no object
}

TEST_F(LibSpecialMethods, SetAndDictUseHashAndEq) {
  auto s = make<set<Ref<Card>>>();
  for (int i = 0; i < 100; ++i) s->add(make<Card>(i % 10, 1));  // ten distinct values
  EXPECT_EQ(s->len(), 10);
  EXPECT_TRUE(s->contains(make<Card>(3, 1)));
  EXPECT_FALSE(s->contains(make<Card>(3, 2)));
  auto d = make<dict<Ref<Card>, long>>();
  d->setitem(make<Card>(5, 5), 1);
  d->setitem(make<Card>(5, 5), 2);  // the same key: assigns, keeps the first key object
  EXPECT_EQ(d->len(), 1);
  EXPECT_EQ(d->getitem(make<Card>(5, 5)), 2);
  try {
    d->getitem(make<Card>(6, 1));
    FAIL() << "expected KeyError";
  } catch (const cyn::KeyError& e) {
    EXPECT_STREQ(e.what(), "Card(6, 1)");  // the key's __repr__
  }
}

TEST_F(LibSpecialMethods, SortUsesLtOrReflectedGt) {
  auto xs = make<list<Ref<Card>>>();
  std::vector<long> ranks = {5, 3, 9, 1, 3, 7};
  for (std::size_t i = 0; i < ranks.size(); ++i) xs->append(make<Card>(ranks[i], static_cast<long>(i)));
  xs->sort();
  std::vector<long> got, suits_of_threes;
  for (auto& c : *xs) {
    got.push_back(c->rank);
    if (c->rank == 3) suits_of_threes.push_back(c->suit);
  }
  EXPECT_EQ(got, (std::vector<long>{1, 3, 3, 5, 7, 9}));
  EXPECT_EQ(suits_of_threes, (std::vector<long>{1, 4}));  // stable
  auto rungs = make<list<Ref<Rung>>>();
  for (long h : {4, 2, 8}) rungs->append(make<Rung>(h));
  rungs->sort(true);
  EXPECT_EQ(rungs->getitem(0)->height, 8);
  EXPECT_EQ(rungs->getitem(2)->height, 2);
}

TEST_F(LibSpecialMethods, PythonsTypeErrors) {
  auto s = make<set<Ref<Point>>>();
  try {
    s->add(make<Point>(1));
    FAIL() << "expected TypeError";
  } catch (const cyn::TypeError& e) {
    EXPECT_STREQ(e.what(), "unhashable type: 'Point'");
  }
  EXPECT_EQ(s->len(), 0);
  s->add(Ref<Point>());  // None hashes
  EXPECT_EQ(s->len(), 1);
  auto plain = make<list<Ref<Plain>>>();
  plain->append(make<Plain>());
  plain->append(make<Plain>());
  try {
    plain->sort();
    FAIL() << "expected TypeError";
  } catch (const cyn::TypeError& e) {
    EXPECT_STREQ(e.what(), "'<' not supported between instances of 'Plain' and 'Plain'");
  }
  EXPECT_EQ(plain->len(), 2);
  auto cards = make<list<Ref<Card>>>();
  cards->append(make<Card>(1, 1));
  cards->append(Ref<Card>());
  try {
    cards->sort();
    FAIL() << "expected TypeError";
  } catch (const cyn::TypeError& e) {
    EXPECT_STREQ(e.what(), "'<' not supported between instances of 'NoneType' and 'Card'");
  }
  // std::bad_cast is what Cython's stock `except +` turns into TypeError.
  static_assert(std::is_base_of_v<std::bad_cast, cyn::TypeError>);
}

TEST_F(LibSpecialMethods, SortThatThrowsKeepsEveryItem) {
  // Throw at every possible comparison of an insertion-sorted run and of the merges (sizes
  // past one run of 32): the list must hold the same objects afterwards, none twice.
  for (long n : {5L, 40L, 100L}) {
    std::vector<Card*> originals;
    auto xs = make<list<Ref<Card>>>();
    for (long i = 0; i < n; ++i) {
      xs->append(make<Card>((i * 37) % n, i));
      originals.push_back(xs->getitem(i).get());
    }
    std::sort(originals.begin(), originals.end());
    for (int budget = 0;; ++budget) {
      Card::compare_budget = budget;
      bool threw = false;
      try {
        xs->sort();
      } catch (const cyn::ValueError&) {
        threw = true;
      }
      Card::compare_budget = -1;
      std::vector<Card*> now;
      for (auto& c : *xs) now.push_back(c.get());
      std::sort(now.begin(), now.end());
      ASSERT_EQ(now, originals) << "n=" << n << " budget=" << budget;
      if (!threw) break;
      // Scramble again so that the next round compares as much as this one did.
      for (long i = 0; i < n; ++i) xs->getitem(i)->rank = (i * 37 + budget) % n;
    }
  }
}

TEST_F(LibSpecialMethods, SortByKeyThatThrowsLeavesTheListAlone) {
  auto xs = make<list<long>>();
  for (long v : {3, 1, 2}) xs->append(v);
  EXPECT_THROW(xs->sort_by_key([](long v) -> long {
    if (v == 2) throw cyn::ValueError("bad key");
    return -v;
  }),
               cyn::ValueError);
  EXPECT_EQ(xs->getitem(0), 3);
  EXPECT_EQ(xs->getitem(1), 1);
  EXPECT_EQ(xs->getitem(2), 2);
  // Keys that are objects compare with their __lt__; one that throws keeps every item.
  auto cards = make<list<Ref<Card>>>();
  for (long i = 0; i < 50; ++i) cards->append(make<Card>((i * 7) % 50, i));
  Card::compare_budget = 60;
  EXPECT_THROW(cards->sort_by_key([](const Ref<Card>& c) { return c; }), cyn::ValueError);
  Card::compare_budget = -1;
  std::vector<long> suits;
  for (auto& c : *cards) suits.push_back(c->suit);
  std::sort(suits.begin(), suits.end());
  for (long i = 0; i < 50; ++i) ASSERT_EQ(suits[static_cast<std::size_t>(i)], i);
}

TEST_F(LibSpecialMethods, ThreadsShareObjectsAcrossTheirOwnContainers) {
  // The objects are shared, each thread's containers are its own (containers are not
  // synchronised; objects and their counts are): every thread hashes, compares and sorts the
  // same objects at once, and every count comes back to where it was.
  std::vector<Ref<Card>> shared;
  for (long i = 0; i < 500; ++i) shared.push_back(make<Card>(i % 97, i % 4));
  std::vector<std::thread> threads;
  std::vector<long> results(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&shared, &results, t] {
      for (int round = 0; round < 20; ++round) {
        auto s = make<set<Ref<Card>>>();
        auto d = make<dict<Ref<Card>, long>>();
        auto xs = make<list<Ref<Card>>>();
        for (std::size_t i = 0; i < shared.size(); ++i) {
          constexpr std::size_t kStride[] = {1, 3, 7, 9};  // coprime to 500: every object, in another order
          const Ref<Card>& c = shared[(i * kStride[t]) % shared.size()];
          s->add(c);
          d->setitem(c, static_cast<long>(i));
          xs->append(c);
        }
        xs->sort();
        results[static_cast<std::size_t>(t)] = s->len() * 1000 + d->len() + (xs->getitem(0)->rank == 0);
      }
    });
  }
  for (auto& th : threads) th.join();
  for (long r : results) EXPECT_EQ(r, 388 * 1000 + 388 + 1);  // distinct (rank, suit) pairs
  for (auto& c : shared) EXPECT_EQ(c->refcount(), 1u);
}

}  // namespace
