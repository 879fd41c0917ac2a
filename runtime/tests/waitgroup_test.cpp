// WaitGroup: counting, waking every waiter, errors.
#include "cyn/waitgroup.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "coro_test_util.hpp"
#include "cyn/coro.hpp"

namespace {

using WG = cyn::Ref<cyn::WaitGroup>;

TEST(WaitGroup, WaitOnZeroReturnsAtOnce) {
  auto wg = cyn::make<cyn::WaitGroup>();
  wg->wait();
  EXPECT_EQ(wg->count(), 0);
}

TEST(WaitGroup, NegativeCounterThrowsAndLeavesCountUnchanged) {
  auto wg = cyn::make<cyn::WaitGroup>();
  EXPECT_THROW(wg->done(), std::runtime_error);
  EXPECT_EQ(wg->count(), 0);
  wg->add(2);
  EXPECT_THROW(wg->add(-3), std::runtime_error);
  EXPECT_EQ(wg->count(), 2);
}

TEST(WaitGroup, WakesEveryWaiter) {
  static std::atomic<int> woken{0};
  woken = 0;
  cyn::run(+[]() {
    auto gate = cyn::make<cyn::WaitGroup>();
    auto finished = cyn::make<cyn::WaitGroup>();
    gate->add(1);
    finished->add(50);
    for (int i = 0; i < 50; ++i) {
      cyn::spawn(+[](WG g, WG f) {
        g->wait();
        woken++;
        f->done();
      }, gate, finished);
    }
    cyn::sleep(0.01);
    EXPECT_EQ(woken.load(), 0);  // all blocked on the gate
    gate->done();
    finished->wait();
  });
  EXPECT_EQ(woken.load(), 50);
}

TEST(WaitGroup, ReusableAfterReachingZero) {
  static std::atomic<int> n{0};
  n = 0;
  cyn::run(+[]() {
    auto wg = cyn::make<cyn::WaitGroup>();
    for (int round = 0; round < 20; ++round) {
      wg->add(10);
      for (int i = 0; i < 10; ++i) {
        cyn::spawn(+[](WG w) {
          n++;
          w->done();
        }, wg);
      }
      wg->wait();
      EXPECT_EQ(n.load(), (round + 1) * 10);
    }
  });
}

TEST(WaitGroup, PlainThreadWaitsForCoroutines) {
  auto wg = cyn::make<cyn::WaitGroup>();
  static std::atomic<int> n{0};
  n = 0;
  wg->add(100);
  for (int i = 0; i < 100; ++i) {
    cyn::spawn(+[](WG w) {
      cyn::yield_();
      n++;
      w->done();
    }, wg);
  }
  wg->wait();
  EXPECT_EQ(n.load(), 100);
}

TEST(WaitGroup, CoroutineWaitsForPlainThreads) {
  static std::atomic<int> n{0};
  n = 0;
  auto wg = cyn::make<cyn::WaitGroup>();
  wg->add(4);
  std::thread threads[4];
  for (auto& t : threads) {
    t = std::thread([wg] {
      n++;
      wg->done();
    });
  }
  cyn::run(+[](WG w) { w->wait(); }, wg);
  EXPECT_EQ(n.load(), 4);
  for (auto& t : threads) t.join();
}

}  // namespace
