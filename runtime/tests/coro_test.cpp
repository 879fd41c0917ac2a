// Coroutines: spawn, run, yield, arguments and their lifetimes, errors, deadlock.
#include "cyn/coro.hpp"

#include <gtest/gtest.h>

#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>

#include "coro_test_util.hpp"
#include "cyn/channel.hpp"
#include "cyn/error.hpp"
#include "cyn/stack.hpp"
#include "cyn/waitgroup.hpp"

namespace {

std::atomic<long> g_sum{0};

void add_to_sum(long v, cyn::Ref<cyn::WaitGroup> wg) {
  g_sum.fetch_add(v);
  wg->done();
}

void spawn_many(long n) {
  auto wg = cyn::make<cyn::WaitGroup>();
  wg->add(n);
  for (long i = 0; i < n; ++i) cyn::spawn(&add_to_sum, i, wg);
  wg->wait();
}

TEST(Coro, RunCallsTheFunctionWithItsArguments) {
  static int seen_a;
  static double seen_b;
  seen_a = 0;
  seen_b = 0;
  cyn::run(+[](int a, double b) {
    EXPECT_TRUE(cyn::in_coroutine());
    seen_a = a;
    seen_b = b;
  }, 7, 2.5);
  EXPECT_EQ(seen_a, 7);
  EXPECT_EQ(seen_b, 2.5);
  EXPECT_FALSE(cyn::in_coroutine());
}

TEST(Coro, OneMillionSpawnsAllRunExactlyOnce) {
  const long n = 1000000 / kScale;
  g_sum = 0;
  const auto before = settled_live_objects();
  cyn::run(&spawn_many, n);
  EXPECT_EQ(g_sum.load(), n * (n - 1) / 2);
  EXPECT_EQ(settled_live_objects(), before);
}

TEST(Coro, CoroutinesThatNeverSuspendNeedNoStack) {
  cyn::run(&spawn_many, 1000L);  // warm up: workers hold their spare stacks
  cyn::wait_idle(10);
  const long before = cyn::detail::mapped_fibers();
  g_sum = 0;
  const long n = 200000 / kScale;
  cyn::run(&spawn_many, n);
  EXPECT_EQ(g_sum.load(), n * (n - 1) / 2);
  // 200k coroutines ran; only run()'s root (which waits) and per-worker spares needed stacks.
  EXPECT_LE(cyn::detail::mapped_fibers() - before, 8);
}

TEST(Coro, CoroutinesThatSuspendTogetherEachHoldAStack) {
  // The counter above is not vacuous: 300 coroutines blocked at once need 300 stacks.
  static long peak = 0;
  cyn::run(+[]() {
    auto started = cyn::make<cyn::WaitGroup>();
    auto gate = cyn::make<cyn::WaitGroup>();
    auto done = cyn::make<cyn::WaitGroup>();
    started->add(300);
    gate->add(1);
    done->add(300);
    for (int i = 0; i < 300; ++i) {
      cyn::spawn(+[](cyn::Ref<cyn::WaitGroup> s, cyn::Ref<cyn::WaitGroup> g,
                     cyn::Ref<cyn::WaitGroup> d) {
        s->done();
        g->wait();  // none can finish before the gate opens: each keeps its stack
        d->done();
      }, started, gate, done);
    }
    started->wait();  // all 300 have started, none has finished
    peak = cyn::detail::mapped_fibers();
    gate->done();
    done->wait();
  });
  EXPECT_GE(peak, 300);
}

long g_six = 0;
void six_args(char a, short b, int c, long d, double e, cyn::Ref<cyn::WaitGroup> wg) {
  g_six = a + b + c + d + static_cast<long>(e);
  wg->done();
}

TEST(Coro, SpawnTakesUpToSixArgumentsOfMixedTypes) {
  auto wg = cyn::make<cyn::WaitGroup>();
  wg->add(1);
  cyn::spawn(&six_args, 'a', 2, 3, 4L, 5.9, wg);  // converted to the parameter types
  wg->wait();
  EXPECT_EQ(g_six, 97 + 2 + 3 + 4 + 5);
}

TEST(Coro, IntReturningFunctionsAreAccepted) {
  static std::atomic<int> calls{0};
  calls = 0;
  cyn::run(+[]() -> int {
    auto wg = cyn::make<cyn::WaitGroup>();
    wg->add(1);
    cyn::spawn(+[](cyn::Ref<cyn::WaitGroup> w) -> int {
      calls++;
      w->done();
      return 5;
    }, wg);
    wg->wait();
    return 3;
  });
  EXPECT_EQ(calls.load(), 1);
}

struct Counter : cyn::Object {
  std::atomic<int> runs{0};
  cyn::Ref<cyn::WaitGroup> wg = cyn::make<cyn::WaitGroup>();
  void run() {
    runs++;
    wg->done();
  }
};

TEST(Coro, SpawnObjectRunsItsRunMethodAndKeepsItAlive) {
  const auto before = settled_live_objects();
  cyn::Ref<Counter> c = cyn::make<Counter>();
  c->wg->add(3);
  for (int i = 0; i < 3; ++i) cyn::spawn(c);
  c->wg->wait();
  EXPECT_EQ(c->runs.load(), 3);
  cyn::wait_idle(10);
  EXPECT_EQ(c->refcount(), 1u);  // the tasks dropped their references
  c = nullptr;
  EXPECT_EQ(settled_live_objects(), before);
}

struct Tracked : cyn::Object {
  static std::atomic<int> alive;
  int value;
  explicit Tracked(int v) : value(v) { alive++; }
  ~Tracked() override { alive--; }
};
std::atomic<int> Tracked::alive{0};

TEST(Coro, RefArgumentsLiveUntilTheCoroutineEnds) {
  Tracked::alive = 0;
  static std::atomic<int> total{0};
  total = 0;
  cyn::run(+[]() {
    auto wg = cyn::make<cyn::WaitGroup>();
    wg->add(100);
    for (int i = 0; i < 100; ++i) {
      // The only reference is the one copied into the task.
      cyn::spawn(+[](cyn::Ref<Tracked> t, cyn::Ref<cyn::WaitGroup> w) {
        cyn::yield_();
        total += t->value;
        w->done();
      }, cyn::make<Tracked>(i), wg);
    }
    wg->wait();
  });
  EXPECT_EQ(total.load(), 4950);
  cyn::wait_idle(10);
  EXPECT_EQ(Tracked::alive.load(), 0);
}

TEST(Coro, YieldLetsOthersRun) {
  static std::atomic<int> turns{0};
  static std::atomic<bool> flag{false};
  turns = 0;
  flag = false;
  cyn::run(+[]() {
    auto wg = cyn::make<cyn::WaitGroup>();
    wg->add(1);
    cyn::spawn(+[](cyn::Ref<cyn::WaitGroup> w) {
      flag = true;
      w->done();
    }, wg);
    // Busy-wait on a flag set by another coroutine: only works if yield_() lets it run,
    // also with a single worker.
    while (!flag.load()) {
      cyn::yield_();
      turns++;
    }
    wg->wait();
  });
  EXPECT_TRUE(flag.load());
}

TEST(Coro, ManyYieldingCoroutinesInterleave) {
  const long n = 100000 / kScale;
  static std::atomic<long> steps{0};
  steps = 0;
  cyn::run(+[](long count) {
    auto wg = cyn::make<cyn::WaitGroup>();
    wg->add(count);
    for (long i = 0; i < count; ++i) {
      cyn::spawn(+[](cyn::Ref<cyn::WaitGroup> w) {
        for (int k = 0; k < 3; ++k) {
          steps++;
          cyn::yield_();
        }
        w->done();
      }, wg);
    }
    wg->wait();
  }, n);
  EXPECT_EQ(steps.load(), 3 * n);
}

TEST(Coro, RunInsideACoroutineJustCallsTheFunction) {
  static int depth_seen = 0;
  cyn::run(+[]() {
    cyn::run(+[](int d) { depth_seen = d; }, 2);
  });
  EXPECT_EQ(depth_seen, 2);
}

TEST(Coro, CppExceptionFromRunRootReachesTheCaller) {
  EXPECT_THROW(cyn::run(+[]() { throw std::invalid_argument("boom"); }), std::invalid_argument);
  // The scheduler still works afterwards.
  g_sum = 0;
  cyn::run(&spawn_many, 10L);
  EXPECT_EQ(g_sum.load(), 45);
}

TEST(Coro, ChannelClosedErrorFromRunRootIsARuntimeError) {
  try {
    cyn::run(+[]() {
      auto ch = cyn::make<cyn::Channel<int>>(1);
      ch->close();
      ch->send(1);
    });
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "send on closed channel");
  }
}

std::atomic<int> g_reports{0};
std::string g_report_where;
void test_reporter(const char* where) {
  g_report_where = where;
  g_reports++;
  cyn_clear_error_hint();
}

TEST(Coro, ErrorHintLeftByACoroutineIsReported) {
  g_reports = 0;
  cyn_set_error_reporter(&test_reporter);
  cyn::run(+[]() {
    auto wg = cyn::make<cyn::WaitGroup>();
    wg->add(1);
    cyn::spawn(+[](cyn::Ref<cyn::WaitGroup> w) {
      w->done();
      cyn_set_error_hint();  // as if a Python exception escaped the coroutine
    }, wg);
    wg->wait();
  });
  cyn::wait_idle(10);
  EXPECT_EQ(g_reports.load(), 1);
  EXPECT_EQ(g_report_where, "coroutine");
  cyn_set_error_reporter(nullptr);
}

TEST(Coro, ErrorHintFollowsItsCoroutineAcrossSwitches) {
  static std::atomic<int> wrong{0};
  wrong = 0;
  g_reports = 0;
  cyn_set_error_reporter(&test_reporter);
  cyn::run(+[]() {
    auto wg = cyn::make<cyn::WaitGroup>();
    const int n = 200;
    wg->add(n);
    for (int i = 0; i < n; ++i) {
      cyn::spawn(+[](int i, cyn::Ref<cyn::WaitGroup> w) {
        bool mine = i % 2 == 0;
        if (mine) cyn_set_error_hint();
        for (int k = 0; k < 5; ++k) {
          cyn::yield_();
          if ((cyn_error_hint() != 0) != mine) wrong++;
        }
        cyn_clear_error_hint();
        w->done();
      }, i, wg);
    }
    wg->wait();
  });
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(g_reports.load(), 0);
  cyn_set_error_reporter(nullptr);
}

TEST(Coro, DeepRecursionFitsTheDefaultStack) {
  static long result = 0;
  cyn::run(+[]() {
    // ~200 frames of a few dozen bytes each: well inside 64 KiB.
    struct F {
      static long f(int n) { return n == 0 ? 0 : n + f(n - 1); }
    };
    cyn::yield_();
    result = F::f(200);
  });
  EXPECT_EQ(result, 20100);
}

TEST(Coro, SpawnOfANullObjectThrowsInTheSpawner) {
  cyn::Ref<Counter> none;
  EXPECT_THROW(cyn::spawn(none), std::invalid_argument);
}

// Overflowing a coroutine stack kills the process as before (the guard page faults), but
// says why first. Sanitizer builds report overflows themselves (no handler of ours there).
#if !defined(CYN_TEST_SLOW)
TEST(CoroDeathTest, StackOverflowIsExplainedBeforeTheCrash) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(cyn::run(+[]() {
    struct F {
      __attribute__((noinline)) static long f(long n) {
        volatile char frame[512];
        frame[n % 512] = static_cast<char>(n);
        return n == 0 ? 0 : f(n - 1) + frame[(n + 1) % 512];
      }
    };
    cyn::yield_();  // on a coroutine stack now
    (void)F::f(1000000);
  }), "cyn: coroutine stack overflow");
}
#endif

// A stand-in for the GIL (the Python glue installs the real hooks): a per-thread flag that the
// release hook clears and the reacquire hook sets again.
thread_local bool t_fake_gil_held = false;
std::atomic<int> g_fake_gil_releases{0};
__attribute__((noinline)) bool& fake_gil_held() {
  asm volatile("" ::: "memory");  // never cache this thread-local's address across a switch
  return t_fake_gil_held;
}
void* fake_gil_release() {
  if (!fake_gil_held()) return nullptr;
  fake_gil_held() = false;
  g_fake_gil_releases++;
  return &g_fake_gil_releases;  // any non-null token
}
void fake_gil_reacquire(void*) { fake_gil_held() = true; }

// A coroutine that blocks while its thread holds the GIL (Cython's `with gil:`) must neither
// move to another thread (the GIL and Python's thread state belong to this one) nor keep the
// GIL while it waits. It used to migrate, which killed Python ("PyGILState_Release:
// auto-releasing thread-state, but no thread-state for this thread").
TEST(Coro, BlockingWhileHoldingTheGilStaysOnTheThreadAndReleasesIt) {
  cyn_set_gil_hooks(&fake_gil_release, &fake_gil_reacquire);
  g_fake_gil_releases = 0;
  static auto ch = cyn::make<cyn::Channel<int>>();
  static std::atomic<long> moved{0}, held_after{0}, got{0};
  std::thread sender([] {
    for (int i = 1; i <= 3; ++i) {
      // Send only once the receiver gave the GIL up in recv() (3 releases per round: recv,
      // sleep, yield), so recv() really blocks.
      while (g_fake_gil_releases.load() < 3 * (i - 1) + 1) {
        std::this_thread::sleep_for(std::chrono::microseconds(100));
      }
      ch->send(i);
    }
  });
  cyn::run(+[]() {
    for (int i = 0; i < 3; ++i) {
      fake_gil_held() = true;  // enter `with gil:`
      const long before = static_cast<long>(syscall(SYS_gettid));
      got += ch->recv();  // blocks (Parker)
      cyn::sleep(0.001);  // blocks (timer)
      cyn::yield_();
      if (static_cast<long>(syscall(SYS_gettid)) != before) moved++;
      if (fake_gil_held()) held_after++;
      fake_gil_held() = false;  // leave `with gil:`
      cyn::yield_();          // not holding it: an ordinary switch
    }
  });
  sender.join();
  cyn_set_gil_hooks(nullptr, nullptr);
  EXPECT_EQ(got.load(), 6);
  EXPECT_EQ(moved.load(), 0);
  EXPECT_EQ(held_after.load(), 3);            // taken back after every wait
  EXPECT_EQ(g_fake_gil_releases.load(), 9);   // recv, sleep and yield, three times
  ch = nullptr;
}

// run() called while the calling thread holds the GIL releases it until the root returns,
// so that coroutines needing the GIL can run.
TEST(Coro, RunReleasesTheCallersGilWhileItWaits) {
  cyn_set_gil_hooks(&fake_gil_release, &fake_gil_reacquire);
  g_fake_gil_releases = 0;
  fake_gil_held() = true;
  static std::atomic<int> ran{0};
  cyn::run(+[]() { ran = 1; });
  EXPECT_TRUE(fake_gil_held());
  fake_gil_held() = false;
  cyn_set_gil_hooks(nullptr, nullptr);
  EXPECT_EQ(ran.load(), 1);
  EXPECT_EQ(g_fake_gil_releases.load(), 1);
}

// The Python glue's signal check (Ctrl-C): once it reports a raised exception, run() stops
// waiting and throws PythonErrorPending; the root coroutine is not cancelled and finishes.
std::atomic<int> g_signal_checks{0};
std::atomic<bool> g_signal_raised{false};
int fake_check_signals() {
  g_signal_checks++;
  return g_signal_raised.load() ? -1 : 0;
}

TEST(Coro, ARaisingSignalCheckInterruptsRunButNotItsCoroutine) {
  static std::atomic<bool> release_root{false};
  static std::atomic<int> root_finished{0};
  release_root = false;
  root_finished = 0;
  g_signal_raised = true;  // "Ctrl-C was pressed"
  cyn_set_signal_check_hook(&fake_check_signals);
  EXPECT_THROW(cyn::run(+[]() {
    while (!release_root.load()) cyn::sleep(0.001);
    root_finished = 1;
  }), cyn::PythonErrorPending);
  cyn_set_signal_check_hook(nullptr);
  EXPECT_GE(g_signal_checks.load(), 1);
  EXPECT_EQ(root_finished.load(), 0);
  release_root = true;
  while (root_finished.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  g_signal_raised = false;
}

TEST(Coro, ASignalCheckThatDoesNotRaiseKeepsRunWaiting) {
  g_signal_checks = 0;
  g_signal_raised = false;
  cyn_set_signal_check_hook(&fake_check_signals);
  static std::atomic<int> done{0};
  done = 0;
  cyn::run(+[]() {
    while (g_signal_checks.load() < 2) cyn::sleep(0.001);  // run() looked twice meanwhile
    done = 1;
  });
  cyn_set_signal_check_hook(nullptr);
  EXPECT_EQ(done.load(), 1);
}

TEST(Coro, DeadlockIsReportedFromRun) {
  try {
    cyn::run(+[]() {
      auto ch = cyn::make<cyn::Channel<int>>();
      ch->recv();  // nobody will ever send
    });
    FAIL() << "expected DeadlockError";
  } catch (const cyn::DeadlockError& e) {
    EXPECT_NE(std::strstr(e.what(), "all coroutines are asleep - deadlock!"), nullptr);
  }
  // Still usable afterwards.
  g_sum = 0;
  cyn::run(&spawn_many, 100L);
  EXPECT_EQ(g_sum.load(), 4950);
}

TEST(Coro, DeadlockIsADeadlockErrorAndARuntimeError) {
  EXPECT_THROW(cyn::run(+[]() {
    auto wg = cyn::make<cyn::WaitGroup>();
    wg->add(1);
    wg->wait();
  }), std::runtime_error);
}

TEST(Coro, SpawnFromAPlainThreadRuns) {
  auto wg = cyn::make<cyn::WaitGroup>();
  g_sum = 0;
  wg->add(1000);
  std::thread t([wg] {
    for (long i = 0; i < 1000; ++i) cyn::spawn(&add_to_sum, i, wg);
  });
  wg->wait();  // a plain thread blocks
  t.join();
  EXPECT_EQ(g_sum.load(), 999 * 1000 / 2);
}

TEST(Coro, OutsideCoroutinesYieldAndSleepFallBack) {
  EXPECT_FALSE(cyn::in_coroutine());
  cyn::yield_();
  cyn::sleep(0.001);
  cyn::sleep(-1);
}

}  // namespace
