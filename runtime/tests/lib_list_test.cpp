// GoogleTests for cyn::lib::list: each method against Python's list (expected values were
// taken from CPython 3), error paths, iteration checks and reference counting.
#include "cyn/lib/list.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "cyn/lib/dict.hpp"
#include "cyn/lib/set.hpp"
#include "cyn/lib/string.hpp"

#include "lib_test_util.hpp"

namespace {

using cyn::make;
using cyn::Ref;
using cyn::lib::index_t;
using cyn::lib::list;
using cyn::lib::NONE;

std::vector<long> items(const list<long>& xs) { return std::vector<long>(xs.data(), xs.data() + xs.size()); }

Ref<list<long>> range(long n) {
  auto xs = make<list<long>>();
  for (long i = 0; i < n; ++i) xs->append(i);
  return xs;
}

// Counts its live instances, to check that lists release what they hold.
struct Tracked : cyn::Object {
  explicit Tracked(int v) : value(v) {}
  int value;
};

// Every test ends with the live-object count where it started.
class LibList : public ::testing::Test {
 protected:
  void SetUp() override { start_ = cyn::live_objects(); }
  void TearDown() override { EXPECT_EQ(cyn::live_objects(), start_); }
  std::int64_t start_ = 0;
};

TEST_F(LibList, AppendLenGetitemNegativeIndex) {
  auto xs = range(10);
  EXPECT_EQ(xs->len(), 10);
  EXPECT_EQ(xs->getitem(0), 0);
  EXPECT_EQ(xs->getitem(9), 9);
  EXPECT_EQ(xs->getitem(-1), 9);
  EXPECT_EQ(xs->getitem(-10), 0);
  EXPECT_TRUE(make<list<long>>()->empty());
}

TEST_F(LibList, IndexErrorsCarryPythonMessages) {
  auto xs = range(3);
  try {
    xs->getitem(3);
    FAIL() << "no IndexError";
  } catch (const cyn::IndexError& e) {
    EXPECT_STREQ(e.what(), "list index out of range");
  }
  EXPECT_THROW(xs->getitem(-4), cyn::IndexError);
  try {
    xs->setitem(5, 1);
    FAIL() << "no IndexError";
  } catch (const cyn::IndexError& e) {
    EXPECT_STREQ(e.what(), "list assignment index out of range");
  }
  EXPECT_THROW(xs->delitem(-4), cyn::IndexError);
  // IndexError is a std::out_of_range, which Cython's `except +` maps to IndexError.
  EXPECT_THROW(xs->getitem(7), std::out_of_range);
}

TEST_F(LibList, SetitemAndDelitem) {
  auto xs = range(5);
  xs->setitem(-1, 40);
  xs->setitem(0, 10);
  EXPECT_EQ(items(*xs), (std::vector<long>{10, 1, 2, 3, 40}));
  xs->delitem(1);
  xs->delitem(-1);
  EXPECT_EQ(items(*xs), (std::vector<long>{10, 2, 3}));
}

TEST_F(LibList, InsertClampsLikePython) {
  // [0,1,2,3,4].insert(i, 9) in CPython.
  struct Case {
    index_t at;
    std::vector<long> expected;
  } cases[] = {
      {0, {9, 0, 1, 2, 3, 4}},  {2, {0, 1, 9, 2, 3, 4}},    {-1, {0, 1, 2, 3, 9, 4}},
      {-2, {0, 1, 2, 9, 3, 4}}, {-100, {9, 0, 1, 2, 3, 4}}, {100, {0, 1, 2, 3, 4, 9}},
      {5, {0, 1, 2, 3, 4, 9}},
  };
  for (const auto& c : cases) {
    auto xs = range(5);
    xs->insert(c.at, 9);
    EXPECT_EQ(items(*xs), c.expected) << "insert at " << c.at;
  }
  auto empty = make<list<long>>();
  empty->insert(-5, 1);
  EXPECT_EQ(items(*empty), std::vector<long>{1});
}

TEST_F(LibList, PopFromEndAndIndex) {
  auto xs = range(5);
  EXPECT_EQ(xs->pop(), 4);
  EXPECT_EQ(xs->pop(0), 0);
  EXPECT_EQ(xs->pop(-2), 2);
  EXPECT_EQ(items(*xs), (std::vector<long>{1, 3}));
  try {
    xs->pop(2);
    FAIL() << "no IndexError";
  } catch (const cyn::IndexError& e) {
    EXPECT_STREQ(e.what(), "pop index out of range");
  }
  xs->clear();
  try {
    xs->pop();
    FAIL() << "no IndexError";
  } catch (const cyn::IndexError& e) {
    EXPECT_STREQ(e.what(), "pop from empty list");
  }
}

TEST_F(LibList, RemoveIndexCountContains) {
  auto xs = make<list<long>>(std::initializer_list<long>{3, 1, 3, 2, 3});
  EXPECT_EQ(xs->count(3), 3);
  EXPECT_EQ(xs->count(7), 0);
  EXPECT_EQ(xs->index(3), 0);
  EXPECT_EQ(xs->index(3, 1), 2);
  EXPECT_EQ(xs->index(3, -2), 4);
  EXPECT_TRUE(xs->contains(2));
  EXPECT_FALSE(xs->contains(5));
  xs->remove(3);
  EXPECT_EQ(items(*xs), (std::vector<long>{1, 3, 2, 3}));
  try {
    xs->remove(7);
    FAIL() << "no ValueError";
  } catch (const cyn::ValueError& e) {
    EXPECT_STREQ(e.what(), "list.remove(x): x not in list");
  }
  try {
    xs->index(7);
    FAIL() << "no ValueError";
  } catch (const cyn::ValueError& e) {
    EXPECT_STREQ(e.what(), "7 is not in list");
  }
  EXPECT_THROW(xs->index(1, 1), cyn::ValueError);  // 1 is only before the start
  EXPECT_THROW(xs->index(3, 0, 1), std::invalid_argument);
}

TEST_F(LibList, ExtendIncludingItself) {
  auto xs = range(3);
  auto ys = range(2);
  xs->extend(ys);
  EXPECT_EQ(items(*xs), (std::vector<long>{0, 1, 2, 0, 1}));
  xs->extend(xs);  // Python: the list doubles
  EXPECT_EQ(items(*xs), (std::vector<long>{0, 1, 2, 0, 1, 0, 1, 2, 0, 1}));
  // Growing through many reallocations keeps every item.
  auto big = make<list<long>>();
  for (long i = 0; i < 100000; ++i) big->append(i);
  long sum = 0;
  for (long x : *big) sum += x;
  EXPECT_EQ(sum, 100000L * 99999 / 2);
}

TEST_F(LibList, SliceMatchesPython) {
  // range(10)[start:stop:step] in CPython.
  struct Case {
    index_t start, stop, step;
    std::vector<long> expected;
  } cases[] = {
      {NONE, NONE, 1, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
      {NONE, NONE, -1, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}},
      {2, 8, 2, {2, 4, 6}},
      {-3, NONE, 1, {7, 8, 9}},
      {NONE, -3, 1, {0, 1, 2, 3, 4, 5, 6}},
      {8, 2, -2, {8, 6, 4}},
      {-1, -11, -3, {9, 6, 3, 0}},
      {100, NONE, -1, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}},
      {-100, 100, 3, {0, 3, 6, 9}},
      {5, 5, 1, {}},
      {7, 2, 1, {}},
      {NONE, NONE, 4, {0, 4, 8}},
      {1, NONE, -1, {1, 0}},
      {-2, NONE, -4, {8, 4, 0}},
      {3, -100, -1, {3, 2, 1, 0}},
  };
  auto xs = range(10);
  for (const auto& c : cases) {
    EXPECT_EQ(items(*xs->slice(c.start, c.stop, c.step)), c.expected)
        << "[" << c.start << ":" << c.stop << ":" << c.step << "]";
  }
  try {
    xs->slice(0, 5, 0);
    FAIL() << "no ValueError";
  } catch (const cyn::ValueError& e) {
    EXPECT_STREQ(e.what(), "slice step cannot be zero");
  }
  EXPECT_EQ(items(*xs), (std::vector<long>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));  // unchanged
}

TEST_F(LibList, DelsliceAndSetsliceMatchPython) {
  struct Case {
    index_t start, stop, step;
    std::vector<long> expected;
  } cases[] = {
      {1, 4, 1, {0, 4, 5, 6, 7, 8, 9}},
      {NONE, NONE, 2, {1, 3, 5, 7, 9}},
      {8, 1, -3, {0, 1, 3, 4, 6, 7, 9}},
      {-1, NONE, -4, {0, 2, 3, 4, 6, 7, 8}},
  };
  for (const auto& c : cases) {
    auto xs = range(10);
    xs->delslice(c.start, c.stop, c.step);
    EXPECT_EQ(items(*xs), c.expected) << "del [" << c.start << ":" << c.stop << ":" << c.step << "]";
  }
  auto xs = range(6);
  xs->setslice(1, 3, 1, make<list<long>>(std::initializer_list<long>{7, 7, 7}));
  EXPECT_EQ(items(*xs), (std::vector<long>{0, 7, 7, 7, 3, 4, 5}));
  xs = range(6);
  xs->setslice(NONE, NONE, 2, make<list<long>>(std::initializer_list<long>{9, 9, 9}));
  EXPECT_EQ(items(*xs), (std::vector<long>{9, 1, 9, 3, 9, 5}));
  xs = range(6);
  xs->setslice(4, 1, 1, make<list<long>>(std::initializer_list<long>{8}));  // inserts at 4
  EXPECT_EQ(items(*xs), (std::vector<long>{0, 1, 2, 3, 8, 4, 5}));
  try {
    xs->setslice(NONE, NONE, 2, range(2));
    FAIL() << "no ValueError";
  } catch (const cyn::ValueError& e) {
    EXPECT_STREQ(e.what(), "attempt to assign sequence of size 2 to extended slice of size 4");
  }
  xs = range(3);
  xs->setslice(0, 0, 1, xs);  // xs[0:0] = xs
  EXPECT_EQ(items(*xs), (std::vector<long>{0, 1, 2, 0, 1, 2}));
}

TEST_F(LibList, SortIsStableAndReverseKeepsTies) {
  // Sorting pairs by their first field only: ties keep their original order.
  struct Pair {
    int key, tag;
    bool operator<(const Pair& o) const { return key < o.key; }
    bool operator==(const Pair& o) const { return key == o.key && tag == o.tag; }
  };
  auto xs = make<list<Pair>>();
  // Long enough to cross the 32-item runs and the merge passes.
  for (int i = 0; i < 1000; ++i) xs->append(Pair{(i * 7919) % 10, i});
  xs->sort();
  for (std::size_t i = 1; i < xs->size(); ++i) {
    const Pair& a = (*xs)[i - 1];
    const Pair& b = (*xs)[i];
    ASSERT_TRUE(a.key < b.key || (a.key == b.key && a.tag < b.tag)) << "at " << i;
  }
  xs->sort(/*reverse=*/true);
  for (std::size_t i = 1; i < xs->size(); ++i) {
    const Pair& a = (*xs)[i - 1];
    const Pair& b = (*xs)[i];
    // Python: sorted(..., reverse=True) keeps equal items in their original order.
    ASSERT_TRUE(a.key > b.key || (a.key == b.key && a.tag < b.tag)) << "at " << i;
  }
  auto ys = make<list<long>>(std::initializer_list<long>{5, -1, 3, 3, 0, 9, -7});
  ys->sort();
  EXPECT_EQ(items(*ys), (std::vector<long>{-7, -1, 0, 3, 3, 5, 9}));
  ys->reverse();
  EXPECT_EQ(items(*ys), (std::vector<long>{9, 5, 3, 3, 0, -1, -7}));
  ys->sort_by_key([](long x) { return x * x; });  // sorted(key=lambda x: x*x), stable
  EXPECT_EQ(items(*ys), (std::vector<long>{0, -1, 3, 3, 5, -7, 9}));
}

TEST_F(LibList, SortsStringsByContent) {
  auto xs = make<list<Ref<cyn::lib::string>>>();
  for (const char* s : {"pear", "apple", "fig", "apple", "banana"}) xs->append(make<cyn::lib::string>(s));
  xs->sort();
  std::vector<std::string> got;
  for (auto& s : *xs) got.push_back(s->str());
  EXPECT_EQ(got, (std::vector<std::string>{"apple", "apple", "banana", "fig", "pear"}));
  EXPECT_EQ(xs->index(make<cyn::lib::string>("fig")), 3);  // equality by content too
  EXPECT_EQ(xs->count(make<cyn::lib::string>("apple")), 2);
  try {
    xs->index(make<cyn::lib::string>("kiwi"));
    FAIL() << "no ValueError";
  } catch (const cyn::ValueError& e) {
    EXPECT_STREQ(e.what(), "'kiwi' is not in list");
  }
}

TEST_F(LibList, EqualityCopyAddRepeat) {
  auto xs = range(4);
  auto ys = xs->copy();
  EXPECT_TRUE(*xs == *ys);
  EXPECT_NE(xs.get(), ys.get());
  ys->append(4);
  EXPECT_FALSE(*xs == *ys);
  ys->pop();
  ys->setitem(0, 9);
  EXPECT_FALSE(*xs == *ys);
  EXPECT_EQ(items(*xs), (std::vector<long>{0, 1, 2, 3}));  // the copy is independent
  EXPECT_EQ(items(*xs->add(range(2))), (std::vector<long>{0, 1, 2, 3, 0, 1}));
  EXPECT_EQ(items(*range(2)->repeat(3)), (std::vector<long>{0, 1, 0, 1, 0, 1}));
  EXPECT_TRUE(range(2)->repeat(-1)->empty());
  // [0,1,2,3] < [0,1,3], [0,1] < [0,1,2], not [0,1] < [0,1]
  EXPECT_TRUE(xs->lt(*make<list<long>>(std::initializer_list<long>{0, 1, 3})));
  EXPECT_FALSE(make<list<long>>(std::initializer_list<long>{0, 1, 3})->lt(*xs));
  EXPECT_TRUE(range(2)->lt(*range(3)));
  EXPECT_FALSE(range(2)->lt(*range(2)));
}

TEST_F(LibList, IteratorObjectWalksAndDetectsSizeChange) {
  auto xs = range(4);
  auto it = xs->iter();
  long x = -1, sum = 0;
  while (it->next(x)) sum += x;
  EXPECT_EQ(sum, 6);
  EXPECT_FALSE(it->next(x));  // stays exhausted
  EXPECT_THROW(it->next_or_stop(), cyn::StopIteration);

  auto it2 = xs->iter();
  ASSERT_TRUE(it2->next(x));
  xs->setitem(1, 100);  // same size: allowed, and seen by the iterator
  ASSERT_TRUE(it2->next(x));
  EXPECT_EQ(x, 100);
  xs->append(5);
  try {
    it2->next(x);
    FAIL() << "no RuntimeError";
  } catch (const cyn::RuntimeError& e) {
    EXPECT_STREQ(e.what(), "list changed size during iteration");
  }
  // An append followed by a pop restores the size but is still a change.
  auto it3 = xs->iter();
  xs->append(1);
  xs->pop();
  EXPECT_THROW(it3->next(x), cyn::RuntimeError);
}

TEST_F(LibList, RangeForDetectsSizeChange) {
  auto xs = range(3);
  EXPECT_THROW(
      {
        for (long x : *xs) {
          if (x == 1) xs->append(7);
        }
      },
      cyn::RuntimeError);
  EXPECT_EQ(xs->len(), 4);
}

TEST_F(LibList, IteratorKeepsItsListAlive) {
  Ref<cyn::lib::list_iterator<long>> it;
  {
    auto xs = range(2);
    it = xs->iter();
  }
  long x = 0;
  ASSERT_TRUE(it->next(x));
  EXPECT_EQ(x, 0);
}

TEST_F(LibList, ReferencesAreCountedAndReleased) {
  auto a = make<Tracked>(1);
  {
    auto xs = make<list<Ref<Tracked>>>();
    xs->append(a);
    xs->append(a);
    xs->append(make<Tracked>(2));
    EXPECT_EQ(a->refcount(), 3u);
    EXPECT_TRUE(xs->contains(a));  // identity
    EXPECT_FALSE(xs->contains(make<Tracked>(1)));
    xs->setitem(0, make<Tracked>(3));  // overwriting drops one reference
    EXPECT_EQ(a->refcount(), 2u);
    xs->remove(a);
    EXPECT_EQ(a->refcount(), 1u);
    xs->append(a);
    auto ys = xs->slice(NONE, NONE, -1);
    EXPECT_EQ(a->refcount(), 3u);
    ys->clear();
    EXPECT_EQ(a->refcount(), 2u);
    xs->insert(0, a);
    xs->delslice(0, 1, 1);
    Ref<Tracked> popped = xs->pop();
    EXPECT_EQ(popped.get(), a.get());
    // xs dies here with a Tracked(2), a Tracked(3) inside
  }
  EXPECT_EQ(a->refcount(), 1u);
  {
    auto xs = make<list<Ref<Tracked>>>();
    for (int i = 0; i < 100; ++i) xs->append(make<Tracked>(i));
    xs->sort_by_key([](const Ref<Tracked>& t) { return -t->value; });
    EXPECT_EQ(xs->getitem(0)->value, 99);
    xs->extend(xs);
    xs->delslice(NONE, NONE, 3);
  }
}

// An element whose destructor looks at the list it was removed from: the list must be
// consistent by then (CPython guarantees the same for __del__).
struct Watcher : cyn::Object {
  list<Ref<Watcher>>* owner = nullptr;
  std::size_t* seen_size = nullptr;
  ~Watcher() override {
    if (owner && seen_size) *seen_size = owner->size();
  }
};

TEST_F(LibList, DestructorSeesConsistentList) {
  auto xs = make<list<Ref<Watcher>>>();
  std::size_t seen = 99;
  for (int i = 0; i < 3; ++i) {
    auto w = make<Watcher>();
    w->owner = xs.get();
    w->seen_size = &seen;
    xs->append(w);
  }
  xs->pop(0);
  EXPECT_EQ(seen, 2u);
  xs->remove(xs->getitem(0));
  EXPECT_EQ(seen, 1u);
  xs->clear();
  EXPECT_EQ(seen, 0u);
}

TEST_F(LibList, NestedListsCompareByContentLikePython) {
  using Row = Ref<list<long>>;
  auto grid = make<list<Row>>();
  grid->append(range(3));
  grid->append(range(1));
  grid->append(range(2));
  // [[0,1,2],[0],[0,1]]: `[0] in grid`, grid.index([0,1]), sorted(grid)
  EXPECT_TRUE(grid->contains(range(1)));
  EXPECT_FALSE(grid->contains(range(4)));
  EXPECT_EQ(grid->index(range(2)), 2);
  grid->sort();
  EXPECT_EQ(grid->getitem(0)->len(), 1);
  EXPECT_EQ(grid->getitem(2)->len(), 3);
  try {
    grid->remove(range(5));
    FAIL() << "no ValueError";
  } catch (const cyn::ValueError& e) {
    EXPECT_STREQ(e.what(), "list.remove(x): x not in list");
  }
  try {
    grid->index(range(5));
    FAIL() << "no ValueError";
  } catch (const cyn::ValueError& e) {
    EXPECT_STREQ(e.what(), "[0, 1, 2, 3, 4] is not in list");  // repr of the missing list
  }
  auto copy = grid->copy();  // shallow, as in Python: the rows are shared
  EXPECT_EQ(copy->getitem(0).get(), grid->getitem(0).get());
  EXPECT_TRUE(*copy == *grid);
}

TEST_F(LibList, ScalarConversionHelpers) {
  double raw[] = {1.5, 2.5, 3.5};
  auto xs = make<list<double>>(raw, 3);
  EXPECT_EQ(xs->size(), 3u);
  EXPECT_EQ(xs->data()[2], 3.5);
  EXPECT_NE(xs->data(), raw);  // a copy
  xs->reserve(100);
  EXPECT_GE(xs->capacity(), 100u);
  EXPECT_EQ(xs->getitem(-1), 3.5);
}

TEST_F(LibList, NoneArgumentsRaisePythonsTypeErrors) {
  // [0, 1] + None, xs.extend(None), xs += None, xs[0:1] = None, xs[::2] = None in CPython
  auto xs = range(2);
  Ref<list<long>> none;
  EXPECT_TYPE_ERROR(xs->add(none), "can only concatenate list (not \"NoneType\") to list");
  EXPECT_TYPE_ERROR(xs->add(nullptr), "can only concatenate list (not \"NoneType\") to list");
  EXPECT_TYPE_ERROR(xs->extend(none), "'NoneType' object is not iterable");
  EXPECT_TYPE_ERROR(xs->setslice(0, 1, 1, none), "can only assign an iterable");
  EXPECT_TYPE_ERROR(xs->setslice(NONE, NONE, 2, nullptr), "must assign iterable to extended slice");
  EXPECT_EQ(items(*xs), (std::vector<long>{0, 1}));  // untouched
}

TEST_F(LibList, SameSizeSliceAssignmentIsNoSizeChange) {
  // Python's `for x in xs: xs[0:1] = xs[0:1]` goes on; so do ours, with either iterator.
  auto xs = range(3);
  long seen = 0;
  for (long x : *xs) {
    xs->setslice(0, 1, 1, xs->slice(0, 1));
    xs->setslice(0, 0, 1, make<list<long>>());
    xs->setslice(1, 2, 1, make<list<long>>(std::initializer_list<long>{x * 10}));
    ++seen;
  }
  EXPECT_EQ(seen, 3);
  EXPECT_EQ(items(*xs), (std::vector<long>{0, 20, 2}));
  auto it = xs->iter();
  long x = 0;
  ASSERT_TRUE(it->next(x));
  xs->setslice(NONE, NONE, 1, range(3));  // xs[:] = [0, 1, 2]: same size
  ASSERT_TRUE(it->next(x));
  EXPECT_EQ(x, 1);
  xs->setslice(0, 1, 1, range(2));  // one item replaced by two: a size change
  EXPECT_THROW(it->next(x), cyn::RuntimeError);
  // The replaced object is released, the new one held.
  auto objs = make<list<Ref<Tracked>>>();
  objs->append(make<Tracked>(1));
  objs->append(make<Tracked>(2));
  auto before = cyn::live_objects();
  objs->setslice(0, 1, 1, objs->slice(1, 2));
  EXPECT_EQ(cyn::live_objects(), before - 1);  // Tracked(1) died
  EXPECT_EQ(objs->getitem(0).get(), objs->getitem(1).get());
}

TEST_F(LibList, RepeatInPlaceChangesTheSameList) {
  // xs *= n in CPython: [0, 1] * 3, then * 1, then * 0; every reference sees it
  auto xs = range(2);
  Ref<list<long>> alias = xs;
  xs->repeat_in_place(3);
  EXPECT_EQ(items(*alias), (std::vector<long>{0, 1, 0, 1, 0, 1}));
  xs->repeat_in_place(1);
  EXPECT_EQ(alias->len(), 6);
  xs->repeat_in_place(0);
  EXPECT_TRUE(alias->empty());
  xs->repeat_in_place(5);
  EXPECT_TRUE(alias->empty());
  auto ys = range(3);
  ys->repeat_in_place(-2);
  EXPECT_TRUE(ys->empty());
  EXPECT_THROW(range(2)->repeat_in_place(std::numeric_limits<index_t>::max()), std::bad_alloc);
  // Each slot holds its own reference.
  auto objs = make<list<Ref<Tracked>>>();
  objs->append(make<Tracked>(7));
  auto before = cyn::live_objects();
  objs->repeat_in_place(4);
  EXPECT_EQ(cyn::live_objects(), before);
  EXPECT_EQ(objs->getitem(3)->value, 7);
  objs->repeat_in_place(0);
  EXPECT_EQ(cyn::live_objects(), before - 1);
}

TEST_F(LibList, OrderingLikePython) {
  auto L = [](std::initializer_list<double> v) { return make<list<double>>(v); };
  struct Case {
    Ref<list<double>> a, b;
    bool lt, le, gt, ge;  // CPython's a < b, a <= b, a > b, a >= b
  } cases[] = {
      {L({1, 2}), L({1, 3}), true, true, false, false},
      {L({1, 2}), L({1, 2}), false, true, false, true},
      {L({1, 2}), L({1, 2, 0}), true, true, false, false},
      {L({2}), L({1, 9, 9}), false, false, true, true},
      {L({}), L({}), false, true, false, true},
      {L({NAN}), L({NAN}), false, false, false, false},  // [nan] <= [nan] is False
      {L({1, NAN}), L({2, NAN}), true, true, false, false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.a->lt(*c.b), c.lt);
    EXPECT_EQ(c.a->le(*c.b), c.le);
    EXPECT_EQ(c.a->gt(*c.b), c.gt);
    EXPECT_EQ(c.a->ge(*c.b), c.ge);
  }
}

TEST_F(LibList, NoneInNestedListsHasNoOrder) {
  // sorted([[1], None]) in CPython
  auto grid = make<list<Ref<list<long>>>>();
  grid->append(range(1));
  grid->append(nullptr);
  EXPECT_TYPE_ERROR(grid->sort(), "'<' not supported between instances of 'NoneType' and 'list'");
  EXPECT_EQ(grid->len(), 2);  // every item kept
  EXPECT_TYPE_ERROR(cyn::lib::less_than(range(1), Ref<list<long>>()),
                    "'<' not supported between instances of 'list' and 'NoneType'");
  auto one = make<list<Ref<list<long>>>>();
  one->append(nullptr);
  one->sort();  // nothing to compare, as sorted([None])
}

TEST_F(LibList, ListsAreUnhashableAsInPython) {
  // {[1]: 5} and {[1]} raise TypeError: unhashable type: 'list'; None is a key
  auto d = make<cyn::lib::dict<Ref<list<long>>, long>>();
  EXPECT_TYPE_ERROR(d->setitem(range(1), 5), "unhashable type: 'list'");
  EXPECT_TRUE(d->empty());
  d->setitem(nullptr, 3);
  EXPECT_EQ(d->getitem(nullptr), 3);
  EXPECT_TYPE_ERROR(d->contains(range(1)), "unhashable type: 'list'");  // (an empty dict never hashes)
  auto s = make<cyn::lib::set<Ref<list<long>>>>();
  EXPECT_TYPE_ERROR(s->add(range(2)), "unhashable type: 'list'");
  EXPECT_TRUE(s->empty());
}

}  // namespace
