// GoogleTests for cyn::Object / cyn::Ref / cyn::make and the live-object counter.
#include "cyn/object.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace {

struct Probe : cyn::Object {
  explicit Probe(int* destroyed) : destroyed_(destroyed) {}
  ~Probe() override { ++*destroyed_; }
  virtual int kind() const { return 1; }
  int* destroyed_;
};

struct DerivedProbe : Probe {
  using Probe::Probe;
  int kind() const override { return 2; }
};

TEST(Object, HeaderIsSixteenBytes) { EXPECT_EQ(sizeof(cyn::Object), 16u); }

TEST(Object, LastReferenceDestroysExactlyOnce) {
  int destroyed = 0;
  auto before = cyn::live_objects();
  {
    cyn::Ref<Probe> a = cyn::make<Probe>(&destroyed);
    EXPECT_EQ(a->refcount(), 1u);
    EXPECT_EQ(cyn::live_objects(), before + 1);
    cyn::Ref<Probe> b = a;
    EXPECT_EQ(a->refcount(), 2u);
    a = nullptr;
    EXPECT_EQ(destroyed, 0);
    EXPECT_EQ(b->refcount(), 1u);
  }
  EXPECT_EQ(destroyed, 1);
  EXPECT_EQ(cyn::live_objects(), before);
}

TEST(Object, UpcastDowncastAndIdentity) {
  int destroyed = 0;
  {
    cyn::Ref<DerivedProbe> d = cyn::make<DerivedProbe>(&destroyed);
    cyn::Ref<Probe> base = d;
    EXPECT_EQ(base->kind(), 2);  // virtual dispatch through the base reference
    EXPECT_TRUE(base == d);
    EXPECT_TRUE(cyn::isinstance<DerivedProbe>(base));
    cyn::Ref<DerivedProbe> back(base);
    EXPECT_EQ(back.get(), d.get());
    cyn::Ref<Probe> plain = cyn::make<Probe>(&destroyed);
    EXPECT_FALSE(cyn::isinstance<DerivedProbe>(plain));
    EXPECT_FALSE(cyn::dynamic_ref_cast<DerivedProbe>(plain));
    cyn::Ref<Probe> none;
    EXPECT_FALSE(cyn::isinstance<Probe>(none));
    EXPECT_TRUE(none == nullptr);
  }
  EXPECT_EQ(destroyed, 2);
}

TEST(Object, MoveAndSelfAssignmentKeepCounts) {
  int destroyed = 0;
  {
    cyn::Ref<Probe> a = cyn::make<Probe>(&destroyed);
    cyn::Ref<Probe> b = std::move(a);
    EXPECT_FALSE(a);
    EXPECT_EQ(b->refcount(), 1u);
    b = b;
    EXPECT_EQ(b->refcount(), 1u);
    b = std::move(b);
    EXPECT_EQ(b->refcount(), 1u);
    cyn::Ref<Probe> c = cyn::make<Probe>(&destroyed);
    b = c;  // drops the first object
    EXPECT_EQ(destroyed, 1);
  }
  EXPECT_EQ(destroyed, 2);
}

// Many threads copy and drop references to shared objects; every object dies exactly once.
TEST(Object, SharedBetweenThreadsStress) {
  constexpr int kThreads = 8, kObjects = 64, kRounds = 20000;
  std::atomic<int> destroyed{0};
  struct Shared : cyn::Object {
    explicit Shared(std::atomic<int>* d) : d_(d) {}
    ~Shared() override { d_->fetch_add(1); }
    std::atomic<int>* d_;
  };
  auto before = cyn::live_objects();
  {
    std::vector<cyn::Ref<Shared>> pool;
    for (int i = 0; i < kObjects; ++i) pool.push_back(cyn::make<Shared>(&destroyed));
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&pool, t] {
        std::vector<cyn::Ref<Shared>> mine;
        for (int r = 0; r < kRounds; ++r) {
          mine.push_back(pool[(r * 7 + t) % kObjects]);
          if (mine.size() > 16) mine.erase(mine.begin(), mine.begin() + 8);
        }
      });
    }
    for (auto& th : threads) th.join();
    for (auto& p : pool) EXPECT_EQ(p->refcount(), 1u);
  }
  EXPECT_EQ(destroyed.load(), kObjects);
  EXPECT_EQ(cyn::live_objects(), before);
}

// Objects made on one thread and freed on another keep the live count exact.
TEST(Object, CrossThreadFreeKeepsCountExact) {
  int destroyed = 0;
  auto before = cyn::live_objects();
  std::vector<cyn::Ref<Probe>> made;
  std::thread maker([&] {
    for (int i = 0; i < 1000; ++i) made.push_back(cyn::make<Probe>(&destroyed));
  });
  maker.join();
  EXPECT_EQ(cyn::live_objects(), before + 1000);
  made.clear();
  EXPECT_EQ(cyn::live_objects(), before);
  EXPECT_EQ(destroyed, 1000);
}

}  // namespace

namespace {

// Freed small objects are reused from the thread's block cache; counts stay exact, also when
// the blocks were made on another thread and when a thread exits with a full cache.
TEST(Object, BlockCacheReusesFreedBlocksAndKeepsCountsExact) {
  int destroyed = 0;
  auto before = cyn::live_objects();
  const void* first = nullptr;
  {
    cyn::Ref<Probe> a = cyn::make<Probe>(&destroyed);
    first = a.get();
  }
  {
    cyn::Ref<Probe> b = cyn::make<Probe>(&destroyed);
#ifndef CYN_HEAP_IS_MALLOC
    EXPECT_EQ(static_cast<const void*>(b.get()), first);  // the block just freed, LIFO
#endif
    EXPECT_EQ(cyn::live_objects(), before + 1);
  }
  std::vector<cyn::Ref<Probe>> made_elsewhere;
  std::thread maker([&] {
    for (int i = 0; i < 5000; ++i) made_elsewhere.push_back(cyn::make<Probe>(&destroyed));
  });
  maker.join();
  made_elsewhere.clear();  // more than the cache holds: the rest goes back to mimalloc
  EXPECT_EQ(cyn::live_objects(), before);
  std::thread churn([&] {
    std::vector<cyn::Ref<Probe>> mine;
    for (int round = 0; round < 3; ++round) {
      for (int i = 0; i < 1000; ++i) mine.push_back(cyn::make<Probe>(&destroyed));
      mine.clear();
    }
  });  // exits with a full cache, which it hands back
  churn.join();
  EXPECT_EQ(cyn::live_objects(), before);
  EXPECT_EQ(destroyed, 2 + 5000 + 3000);
}

}  // namespace
