// GoogleTests for cyn::lib::set: membership, errors, the set algebra (new and in-place)
// against CPython's answers, iteration checks, string members and reference counting.
#include "cyn/lib/set.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <vector>

#include "cyn/lib/string.hpp"

#include "lib_test_util.hpp"

namespace {

using cyn::make;
using cyn::Ref;
using cyn::lib::set;
using cyn::lib::string;

Ref<set<long>> S(std::initializer_list<long> xs) { return make<set<long>>(xs); }

// The members, sorted (Python sets have no order; comparisons below are by content).
std::vector<long> sorted(const set<long>& s) {
  std::vector<long> out;
  for (long x : s) out.push_back(x);
  std::sort(out.begin(), out.end());
  return out;
}

struct Tracked : cyn::Object {};

class LibSet : public ::testing::Test {
 protected:
  void SetUp() override { start_ = cyn::live_objects(); }
  void TearDown() override { EXPECT_EQ(cyn::live_objects(), start_); }
  std::int64_t start_ = 0;
};

TEST_F(LibSet, AddDiscardRemoveContains) {
  auto s = make<set<long>>();
  s->add(3);
  s->add(3);
  s->add(1);
  EXPECT_EQ(s->len(), 2);
  EXPECT_TRUE(s->contains(3L));
  EXPECT_FALSE(s->contains(2L));
  s->discard(2);  // absent: no error
  s->discard(3);
  EXPECT_EQ(sorted(*s), std::vector<long>{1});
  try {
    s->remove(7);
    FAIL() << "no KeyError";
  } catch (const cyn::KeyError& e) {
    EXPECT_STREQ(e.what(), "7");
  }
  s->remove(1);
  EXPECT_TRUE(s->empty());
}

TEST_F(LibSet, PopTakesAMemberAndFailsWhenEmpty) {
  auto s = S({1, 2, 3});
  std::vector<long> popped;
  while (!s->empty()) popped.push_back(s->pop());
  std::sort(popped.begin(), popped.end());
  EXPECT_EQ(popped, (std::vector<long>{1, 2, 3}));
  try {
    s->pop();
    FAIL() << "no KeyError";
  } catch (const cyn::KeyError& e) {
    EXPECT_STREQ(e.what(), "'pop from an empty set'");
  }
}

TEST_F(LibSet, AlgebraMatchesPython) {
  // a={1,2,3,4}; b={3,4,5}: a|b, a&b, a-b, b-a, a^b in CPython
  auto a = S({1, 2, 3, 4});
  auto b = S({3, 4, 5});
  EXPECT_EQ(sorted(*a->union_(b)), (std::vector<long>{1, 2, 3, 4, 5}));
  EXPECT_EQ(sorted(*a->intersection(b)), (std::vector<long>{3, 4}));
  EXPECT_EQ(sorted(*a->difference(b)), (std::vector<long>{1, 2}));
  EXPECT_EQ(sorted(*b->difference(a)), (std::vector<long>{5}));
  EXPECT_EQ(sorted(*a->symmetric_difference(b)), (std::vector<long>{1, 2, 5}));
  EXPECT_EQ(sorted(*a), (std::vector<long>{1, 2, 3, 4}));  // operands unchanged
  EXPECT_EQ(sorted(*b), (std::vector<long>{3, 4, 5}));
  EXPECT_TRUE(S({1, 2})->issubset(a));
  EXPECT_FALSE(a->issubset(S({1, 2})));
  EXPECT_TRUE(a->issuperset(S({1, 2})));
  EXPECT_TRUE(a->isdisjoint(S({9})));
  EXPECT_FALSE(a->isdisjoint(b));
  EXPECT_TRUE(make<set<long>>()->issubset(b));
}

TEST_F(LibSet, InPlaceAlgebra) {
  auto a = S({1, 2, 3, 4});
  a->intersection_update(S({2, 4, 6}));
  EXPECT_EQ(sorted(*a), (std::vector<long>{2, 4}));
  a->update(S({5}));
  EXPECT_EQ(sorted(*a), (std::vector<long>{2, 4, 5}));
  a->difference_update(S({4, 9}));
  EXPECT_EQ(sorted(*a), (std::vector<long>{2, 5}));
  a->symmetric_difference_update(S({5, 7}));
  EXPECT_EQ(sorted(*a), (std::vector<long>{2, 7}));
  // With itself, as `s &= s`, `s -= s`, `s ^= s`, `s |= s`.
  a->update(a);
  a->intersection_update(a);
  EXPECT_EQ(sorted(*a), (std::vector<long>{2, 7}));
  a->symmetric_difference_update(a);
  EXPECT_TRUE(a->empty());
  a->add(1);
  a->difference_update(a);
  EXPECT_TRUE(a->empty());
}

TEST_F(LibSet, EqualityCopyClearAndFromList) {
  auto a = S({1, 2, 3});
  auto b = S({3, 2, 1});
  EXPECT_TRUE(*a == *b);
  auto c = a->copy();
  c->add(4);
  EXPECT_FALSE(*a == *c);
  EXPECT_EQ(a->len(), 3);
  auto xs = make<cyn::lib::list<long>>(std::initializer_list<long>{5, 5, 6, 5});
  set<long> from_list(*xs);
  EXPECT_EQ(sorted(from_list), (std::vector<long>{5, 6}));
  EXPECT_EQ(a->to_list()->len(), 3);
  a->clear();
  EXPECT_TRUE(a->empty());
  EXPECT_FALSE(a->contains(1L));
}

TEST_F(LibSet, IterationAndMutationCheck) {
  auto s = S({10, 20, 30});
  std::vector<long> seen;
  long x;
  for (auto it = s->iter(); it->next(x);) seen.push_back(x);
  EXPECT_EQ(seen, (std::vector<long>{10, 20, 30}));  // insertion order (ours, deterministic)
  auto it = s->iter();
  ASSERT_TRUE(it->next(x));
  s->discard(30);
  try {
    it->next(x);
    FAIL() << "no RuntimeError";
  } catch (const cyn::RuntimeError& e) {
    EXPECT_STREQ(e.what(), "Set changed size during iteration");
  }
  auto it2 = s->iter();
  s->add(10);  // already present: no change, iteration goes on
  ASSERT_TRUE(it2->next(x));
  EXPECT_THROW(
      {
        for (long y : *s) s->add(y + 1);
      },
      cyn::RuntimeError);
  auto it3 = make<set<long>>()->iter();
  EXPECT_THROW(it3->next_or_stop(), cyn::StopIteration);
}

TEST_F(LibSet, StringMembersByContent) {
  auto s = make<set<Ref<string>>>();
  s->add(make<string>("a"));
  s->add(make<string>("a"));
  s->add(make<string>("b"));
  EXPECT_EQ(s->len(), 2);
  EXPECT_TRUE(s->contains(make<string>("b")));
  EXPECT_TRUE(s->contains(std::string_view("a")));
  EXPECT_FALSE(s->contains(std::string_view("c")));
  try {
    s->remove(make<string>("zz"));
    FAIL() << "no KeyError";
  } catch (const cyn::KeyError& e) {
    EXPECT_STREQ(e.what(), "'zz'");
  }
}

TEST_F(LibSet, ReferencesAreCountedAndReleased) {
  auto a = make<Tracked>();
  {
    auto s = make<set<Ref<Tracked>>>();
    s->add(a);
    s->add(a);
    EXPECT_EQ(a->refcount(), 2u);
    s->add(make<Tracked>());  // identity: a distinct member
    EXPECT_EQ(s->len(), 2);
    auto t = s->copy();
    EXPECT_EQ(a->refcount(), 3u);
    t->discard(a);
    EXPECT_EQ(a->refcount(), 2u);
    auto u = s->intersection(t);
    EXPECT_EQ(u->len(), 1);
    Ref<Tracked> popped = s->pop();
    s->clear();
    t->symmetric_difference_update(u);
    EXPECT_TRUE(t->empty());
  }
  EXPECT_EQ(a->refcount(), 1u);
}

TEST_F(LibSet, RandomOperationsMatchStdSet) {
  std::mt19937_64 rng(7);
  auto s = make<set<long>>();
  std::set<long> ref;
  for (int step = 0; step < 100000; ++step) {
    long x = static_cast<long>(rng() % 500) - 250;
    if (rng() % 3 == 0) {
      s->discard(x);
      ref.erase(x);
    } else {
      s->add(x);
      ref.insert(x);
    }
    ASSERT_EQ(s->size(), ref.size());
  }
  EXPECT_EQ(sorted(*s), std::vector<long>(ref.begin(), ref.end()));
}

TEST_F(LibSet, NoneArgumentsRaisePythonsTypeError) {
  // {1}.union(None), .update(None), .issubset(None)… in CPython
  auto a = S({1, 2});
  Ref<set<long>> none;
  const char* message = "'NoneType' object is not iterable";
  EXPECT_TYPE_ERROR(a->union_(none), message);
  EXPECT_TYPE_ERROR(a->intersection(none), message);
  EXPECT_TYPE_ERROR(a->difference(nullptr), message);
  EXPECT_TYPE_ERROR(a->symmetric_difference(none), message);
  EXPECT_TYPE_ERROR(a->update(none), message);
  EXPECT_TYPE_ERROR(a->intersection_update(nullptr), message);
  EXPECT_TYPE_ERROR(a->difference_update(none), message);
  EXPECT_TYPE_ERROR(a->symmetric_difference_update(none), message);
  EXPECT_TYPE_ERROR(a->issubset(none), message);
  EXPECT_TYPE_ERROR(a->issuperset(none), message);
  EXPECT_TYPE_ERROR(a->isdisjoint(none), message);
  EXPECT_EQ(sorted(*a), (std::vector<long>{1, 2}));
}

TEST_F(LibSet, SubsetOperatorsLikePython) {
  // a <= b, a < b, a >= b, a > b in CPython
  struct Case {
    Ref<set<long>> a, b;
    bool le, lt, ge, gt;
  } cases[] = {
      {S({1}), S({1, 2}), true, true, false, false},
      {S({1, 2}), S({1, 2}), true, false, true, false},
      {S({1, 2}), S({1}), false, false, true, true},
      {S({1, 3}), S({1, 2}), false, false, false, false},
      {S({}), S({}), true, false, true, false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.a->le(*c.b), c.le);
    EXPECT_EQ(c.a->lt(*c.b), c.lt);
    EXPECT_EQ(c.a->ge(*c.b), c.ge);
    EXPECT_EQ(c.a->gt(*c.b), c.gt);
  }
}

TEST_F(LibSet, SetsAreUnhashableAsInPython) {
  // {frozenset()} works in Python, {set()} raises TypeError: unhashable type: 'set'
  auto outer = make<set<Ref<set<long>>>>();
  EXPECT_TYPE_ERROR(outer->add(S({1})), "unhashable type: 'set'");
  outer->add(nullptr);
  EXPECT_EQ(outer->len(), 1);
  EXPECT_TYPE_ERROR(outer->contains(S({1})), "unhashable type: 'set'");
}

}  // namespace
