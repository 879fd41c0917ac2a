// Sleep and timers: durations are respected and sleepers wake in deadline order.
#include "cyn/sleep.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <limits>

#include <atomic>
#include <vector>

#include "coro_test_util.hpp"
#include "cyn/channel.hpp"
#include "cyn/coro.hpp"
#include "cyn/waitgroup.hpp"

namespace {

using IntChan = cyn::Ref<cyn::Channel<int>>;
using WG = cyn::Ref<cyn::WaitGroup>;

// One worker: wake-up order is then decided by the timers alone, not by how the OS happens
// to schedule two worker threads on a loaded machine.
struct OneWorker {
  OneWorker() { cyn::configure(1); }
} one_worker;

TEST(Sleep, LastsAtLeastTheRequestedTime) {
  static std::int64_t elapsed = 0;
  cyn::run(+[]() {
    std::int64_t t0 = cyn::detail::now_ns();
    cyn::sleep(0.02);
    elapsed = cyn::detail::now_ns() - t0;
  });
  EXPECT_GE(elapsed, 20'000'000);
}

TEST(Sleep, SleepersWakeInDeadlineOrder) {
  ASSERT_EQ(cyn::num_workers(), 1);
  static std::vector<int> order;
  order.clear();
  cyn::run(+[]() {
    auto ch = cyn::make<cyn::Channel<int>>(16);
    // Spawned in scrambled order; deadlines 15 ms apart (several may expire together on a
    // slow machine: they must still resume in deadline order).
    const int ids[8] = {5, 2, 7, 0, 3, 6, 1, 4};
    // Deadlines are absolute (from one start time), so a slow start of one coroutine
    // (sanitizers, loaded machine) cannot shift its deadline past another's.
    const std::int64_t t0 = cyn::detail::now_ns();
    for (int id : ids) {
      cyn::spawn(+[](int i, IntChan c, std::int64_t start) {
        std::int64_t deadline = start + 15'000'000LL * (i + 1);
        cyn::sleep(static_cast<double>(deadline - cyn::detail::now_ns()) * 1e-9);
        c->send(i);
      }, id, ch, t0);
    }
    for (int k = 0; k < 8; ++k) order.push_back(ch->recv());
  });
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7}));
}

TEST(Sleep, ManySleepersDoNotBlockTheWorkers) {
  // 2000 coroutines sleep 50 ms at once; meanwhile another one keeps computing. If sleep
  // blocked a thread this would take 2000 * 50 ms.
  const int n = static_cast<int>(2000 / (kScale > 1 ? 4 : 1));
  static std::atomic<int> woke{0};
  static std::int64_t elapsed = 0;
  woke = 0;
  cyn::run(+[](int count) {
    std::int64_t t0 = cyn::detail::now_ns();
    auto wg = cyn::make<cyn::WaitGroup>();
    wg->add(count);
    for (int i = 0; i < count; ++i) {
      cyn::spawn(+[](WG w) {
        cyn::sleep(0.05);
        woke++;
        w->done();
      }, wg);
    }
    wg->wait();
    elapsed = cyn::detail::now_ns() - t0;
  }, n);
  EXPECT_EQ(woke.load(), n);
  EXPECT_GE(elapsed, 50'000'000);
}

TEST(Sleep, ZeroOrNegativeJustYields) {
  static int after = 0;
  cyn::run(+[]() {
    cyn::sleep(0);
    cyn::sleep(-3);
    after = 1;
  });
  EXPECT_EQ(after, 1);
}

// sleep(1e10), sleep(1e300) and sleep(inf) used to overflow the deadline and return at once;
// they are capped at ~146 years instead (forever, in practice). NaN just yields.
TEST(Sleep, HugeAndInfiniteDurationsDoNotReturnEarly) {
  static std::atomic<int> woke{0};
  static std::atomic<int> nan_done{0};
  woke = 0;
  cyn::run(+[]() {
    for (double seconds : {1e10, 1e300, std::numeric_limits<double>::infinity()}) {
      cyn::spawn(+[](double s) {
        cyn::sleep(s);
        woke++;
      }, seconds);
    }
    cyn::sleep(std::numeric_limits<double>::quiet_NaN());
    nan_done = 1;
    cyn::sleep(0.05);
  });
  EXPECT_EQ(nan_done.load(), 1);
  EXPECT_EQ(woke.load(), 0);
}

TEST(Sleep, OutsideCoroutinesNaNReturnsAtOnce) {
  cyn::sleep(std::numeric_limits<double>::quiet_NaN());
  cyn::sleep(-std::numeric_limits<double>::infinity());
  SUCCEED();
}

TEST(Sleep, SleepingCoroutineIsNotADeadlock) {
  static int done = 0;
  cyn::run(+[]() {
    auto ch = cyn::make<cyn::Channel<int>>();
    cyn::spawn(+[](IntChan c) {
      cyn::sleep(0.03);  // all workers idle meanwhile, but a timer is pending
      c->send(1);
    }, ch);
    done = ch->recv();
  });
  EXPECT_EQ(done, 1);
}

}  // namespace
