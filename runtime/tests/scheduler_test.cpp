// Scheduler: worker threads, stealing, signal masks, thread hooks, stacks.
#include "cyn/scheduler.hpp"

#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "coro_test_util.hpp"
#include "cyn/channel.hpp"
#include "cyn/coro.hpp"
#include "cyn/error.hpp"
#include "cyn/stack.hpp"
#include "cyn/waitgroup.hpp"

namespace {

std::atomic<int> g_started_threads{0};
void on_thread_start() { g_started_threads++; }
void on_thread_exit() {}

// Installed before main(), so before the scheduler can start.
struct InstallHooks {
  InstallHooks() {
    cyn_set_thread_hooks(&on_thread_start, &on_thread_exit);
    cyn::configure(2);  // this binary always runs two workers
  }
} install_hooks;

using WG = cyn::Ref<cyn::WaitGroup>;

TEST(Scheduler, StartsTheConfiguredWorkersAndRunsTheirStartHook) {
  EXPECT_EQ(cyn::num_workers(), 2);
  EXPECT_FALSE(cyn::configure(4));  // too late: already running
  cyn::wait_idle(10);
  EXPECT_EQ(g_started_threads.load(), 2);
}

TEST(Scheduler, WorkersBlockAsyncSignals) {
  static bool sigint_blocked = false, sigterm_blocked = false, sigpipe_blocked = false;
  cyn::run(+[]() {
    sigset_t cur;
    pthread_sigmask(SIG_BLOCK, nullptr, &cur);
    sigint_blocked = sigismember(&cur, SIGINT);
    sigterm_blocked = sigismember(&cur, SIGTERM);
    sigpipe_blocked = sigismember(&cur, SIGPIPE);
  });
  EXPECT_TRUE(sigint_blocked);
  EXPECT_TRUE(sigterm_blocked);
  EXPECT_TRUE(sigpipe_blocked);
  // ...but the caller's mask is untouched.
  sigset_t mine;
  pthread_sigmask(SIG_BLOCK, nullptr, &mine);
  EXPECT_FALSE(sigismember(&mine, SIGINT));
}

std::mutex g_ids_mu;
std::set<std::thread::id> g_ids;

void spin_and_record(WG wg) {
  // Burn ~1 ms of CPU so that one worker cannot run everything before the other steals.
  volatile long x = 0;
  for (long i = 0; i < 300000; ++i) x = x + i;
  {
    std::lock_guard<std::mutex> g(g_ids_mu);
    g_ids.insert(std::this_thread::get_id());
  }
  wg->done();
}

TEST(Scheduler, IdleWorkersStealFromBusyOnes) {
  g_ids.clear();
  cyn::run(+[]() {
    // All spawned on one worker's deque; the other must steal to take part.
    auto wg = cyn::make<cyn::WaitGroup>();
    wg->add(200);
    for (int i = 0; i < 200; ++i) cyn::spawn(&spin_and_record, wg);
    wg->wait();
  });
  EXPECT_EQ(g_ids.size(), 2u);
}

TEST(Scheduler, CoroutineMigratesAcrossWorkersSafely) {
  // Coroutines suspend and resume many times while work is spread over both workers: the
  // thread-local state (current worker, error hint) must follow them.
  static std::atomic<long> total{0};
  total = 0;
  cyn::run(+[]() {
    auto wg = cyn::make<cyn::WaitGroup>();
    auto ch = cyn::make<cyn::Channel<int>>(4);
    wg->add(64);
    for (int i = 0; i < 64; ++i) {
      cyn::spawn(+[](cyn::Ref<cyn::Channel<int>> c, WG w) {
        for (int k = 0; k < 200; ++k) {
          c->send(k);
          total += c->recv();
          EXPECT_TRUE(cyn::in_coroutine());
        }
        w->done();
      }, ch, wg);
    }
    wg->wait();
  });
  EXPECT_EQ(total.load(), 64L * 199 * 200 / 2);
}

TEST(Scheduler, StackSizeIsConfigurableAndGuarded) {
  EXPECT_GE(cyn::detail::default_stack_size(), 64u * 1024);
  auto* f = cyn::detail::fiber_create(128 * 1024, nullptr);
  EXPECT_GE(f->stack_size, 120u * 1024);
  // The page below the stack is the guard.
  EXPECT_EQ(f->stack_low - static_cast<char*>(f->map_base), 4096);
  cyn::detail::fiber_destroy(f);
}

TEST(Scheduler, GuardPageStopsAStackOverflow) {
#ifdef CYN_TEST_SLOW
  GTEST_SKIP() << "sanitizers intercept the fault differently";
#endif
  // Overflowing a coroutine stack must crash on the guard page, not corrupt memory. The
  // child re-executes the binary ("threadsafe"), so it starts a scheduler of its own.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        cyn::run(+[]() {
          struct R {
            static long f(long n) {
              volatile char pad[1024];
              pad[0] = static_cast<char>(n);
              return n + f(n + 1) + pad[0];
            }
          };
          R::f(0);
        });
      },
      "");
}

TEST(Scheduler, WaitIdleReportsQuiescence) {
  EXPECT_TRUE(cyn::wait_idle(10));
  auto wg = cyn::make<cyn::WaitGroup>();
  wg->add(1);
  cyn::spawn(+[](WG w) {
    cyn::sleep(0.01);
    w->done();
  }, wg);
  wg->wait();
  EXPECT_TRUE(cyn::wait_idle(10));
}

}  // namespace
