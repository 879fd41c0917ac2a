// Mutex: exclusion across coroutines and threads, hand-off, errors.
#include "cyn/mutex.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "coro_test_util.hpp"
#include "cyn/coro.hpp"
#include "cyn/waitgroup.hpp"

namespace {

using MU = cyn::Ref<cyn::Mutex>;
using WG = cyn::Ref<cyn::WaitGroup>;

long g_counter = 0;  // protected by the Mutex only (TSan checks it)
std::atomic<int> g_inside{0};
std::atomic<int> g_overlaps{0};

void locked_increments(MU mu, WG wg, int n) {
  for (int i = 0; i < n; ++i) {
    mu->lock();
    if (g_inside.fetch_add(1) != 0) g_overlaps++;
    long v = g_counter;
    if (i % 7 == 0) cyn::yield_();  // suspend while holding the lock
    g_counter = v + 1;
    g_inside.fetch_sub(1);
    mu->unlock();
  }
  wg->done();
}

TEST(Mutex, ExcludesCoroutinesEvenWhenTheyYieldInside) {
  g_counter = 0;
  g_overlaps = 0;
  const int workers = 50, each = static_cast<int>(2000 / kScale);
  cyn::run(+[](int w, int e) {
    auto mu = cyn::make<cyn::Mutex>();
    auto wg = cyn::make<cyn::WaitGroup>();
    wg->add(w);
    for (int i = 0; i < w; ++i) cyn::spawn(&locked_increments, mu, wg, e);
    wg->wait();
  }, workers, each);
  EXPECT_EQ(g_counter, static_cast<long>(workers) * each);
  EXPECT_EQ(g_overlaps.load(), 0);
}

TEST(Mutex, TryLockAndUnlockErrors) {
  auto mu = cyn::make<cyn::Mutex>();
  EXPECT_THROW(mu->unlock(), std::runtime_error);
  EXPECT_TRUE(mu->try_lock());
  EXPECT_FALSE(mu->try_lock());
  mu->unlock();
  EXPECT_TRUE(mu->try_lock());
  mu->unlock();
}

TEST(Mutex, ThreadsAndCoroutinesTogether) {
  g_counter = 0;
  g_overlaps = 0;
  auto mu = cyn::make<cyn::Mutex>();
  auto wg = cyn::make<cyn::WaitGroup>();
  const int each = static_cast<int>(5000 / kScale);
  wg->add(12);
  for (int i = 0; i < 10; ++i) cyn::spawn(&locked_increments, mu, wg, each);
  std::thread a(&locked_increments, mu, wg, each);
  std::thread b(&locked_increments, mu, wg, each);
  wg->wait();
  a.join();
  b.join();
  EXPECT_EQ(g_counter, 12L * each);
  EXPECT_EQ(g_overlaps.load(), 0);
}

TEST(Mutex, LockIsHandedOverInArrivalOrder) {
  static std::vector<int> order;
  order.clear();
  cyn::run(+[]() {
    auto mu = cyn::make<cyn::Mutex>();
    auto wg = cyn::make<cyn::WaitGroup>();
    mu->lock();
    wg->add(5);
    for (int i = 0; i < 5; ++i) {
      cyn::spawn(+[](MU m, WG w, int id) {
        m->lock();
        order.push_back(id);
        m->unlock();
        w->done();
      }, mu, wg, i);
      cyn::sleep(0.002);  // make arrival order certain
    }
    mu->unlock();
    wg->wait();
  });
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

}  // namespace
