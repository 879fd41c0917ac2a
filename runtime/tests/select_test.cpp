// Select: ready cases, default (poll), blocking wait, fairness, close, stress.
#include "cyn/select.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "coro_test_util.hpp"
#include "cyn/coro.hpp"
#include "cyn/stdlib/coro.hpp"
#include "cyn/waitgroup.hpp"

namespace {

using IntChan = cyn::Ref<cyn::Channel<int>>;
using WG = cyn::Ref<cyn::WaitGroup>;

TEST(Select, PollReturnsMinusOneWhenNothingIsReady) {
  auto a = cyn::make<cyn::Channel<int>>();
  auto b = cyn::make<cyn::Channel<int>>(1);
  b->send(1);  // b is full: a send case is not ready
  cyn::Select sel;
  int v = 0;
  sel.recv(a, &v);
  sel.send(b, 2);
  EXPECT_EQ(sel.poll(), -1);
  EXPECT_EQ(b->len(), 1u);
}

TEST(Select, PicksTheReadyCase) {
  auto a = cyn::make<cyn::Channel<int>>(1);
  auto b = cyn::make<cyn::Channel<int>>(1);
  b->send(42);
  cyn::Select sel;
  int va = 0, vb = 0;
  bool ok = false;
  int ia = sel.recv(a, &va);
  int ib = sel.recv(b, &vb, &ok);
  EXPECT_EQ(ia, 0);
  EXPECT_EQ(ib, 1);
  EXPECT_EQ(sel.poll(), ib);
  EXPECT_EQ(vb, 42);
  EXPECT_TRUE(ok);
  EXPECT_EQ(va, 0);
}

TEST(Select, SendCaseCopiesATemporary) {
  auto a = cyn::make<cyn::Channel<int>>(1);
  cyn::Select sel;
  int i = sel.send(a, 7 * 6);
  EXPECT_EQ(sel.wait(), i);
  EXPECT_EQ(a->recv(), 42);
}

TEST(Select, ChoiceAmongReadyCasesIsFair) {
  auto a = cyn::make<cyn::Channel<int>>(1);
  auto b = cyn::make<cyn::Channel<int>>(1);
  auto c = cyn::make<cyn::Channel<int>>(1);
  int counts[3] = {0, 0, 0};
  const int trials = 30000;
  for (int t = 0; t < trials; ++t) {
    if (a->len() == 0) a->send(1);
    if (b->len() == 0) b->send(2);
    if (c->len() == 0) c->send(3);
    cyn::Select sel;
    int v;
    sel.recv(a, &v);
    sel.recv(b, &v);
    sel.recv(c, &v);
    counts[sel.wait()]++;
  }
  // Uniform choice: each ~10000; 8000 is > 25 standard deviations away.
  for (int k = 0; k < 3; ++k) EXPECT_GT(counts[k], 8000) << "case " << k;
}

TEST(Select, BlockingWaitWakesOnSendFromAnotherCoroutine) {
  static int got_index = -1, got_value = 0;
  cyn::run(+[]() {
    auto a = cyn::make<cyn::Channel<int>>();
    auto b = cyn::make<cyn::Channel<int>>();
    cyn::spawn(+[](IntChan ch) {
      cyn::sleep(0.005);
      ch->send(99);
    }, b);
    cyn::Select sel;
    int va = 0, vb = 0;
    sel.recv(a, &va);
    sel.recv(b, &vb);
    got_index = sel.wait();
    got_value = vb;
  });
  EXPECT_EQ(got_index, 1);
  EXPECT_EQ(got_value, 99);
}

TEST(Select, BlockingSendCaseCompletesWhenAReceiverComes) {
  static int got = 0, idx = -1;
  cyn::run(+[]() {
    auto a = cyn::make<cyn::Channel<int>>();
    auto done = cyn::make<cyn::Channel<int>>(1);
    cyn::spawn(+[](IntChan ch, IntChan d) {
      cyn::sleep(0.005);
      d->send(ch->recv());
    }, a, done);
    cyn::Select sel;
    int never;
    auto other = cyn::make<cyn::Channel<int>>();
    sel.recv(other, &never);
    sel.send(a, 123);
    idx = sel.wait();
    got = done->recv();
  });
  EXPECT_EQ(idx, 1);
  EXPECT_EQ(got, 123);
}

TEST(Select, ClosedChannelCompletesARecvCaseWithOkFalse) {
  static int idx = -1, value = -1;
  static bool ok = true;
  cyn::run(+[]() {
    auto a = cyn::make<cyn::Channel<int>>();
    cyn::spawn(+[](IntChan ch) {
      cyn::sleep(0.005);
      ch->close();
    }, a);
    cyn::Select sel;
    idx = sel.recv(a, &value, &ok);
    idx = sel.wait();
  });
  EXPECT_EQ(idx, 0);
  EXPECT_FALSE(ok);
  EXPECT_EQ(value, 0);
}

TEST(Select, SendCaseOnClosedChannelThrows) {
  auto a = cyn::make<cyn::Channel<int>>(1);
  a->close();
  cyn::Select sel;
  sel.send(a, 1);
  EXPECT_THROW(sel.poll(), cyn::ChannelClosedError);
  // And when it is closed while the select waits.
  EXPECT_THROW(cyn::run(+[]() {
    auto b = cyn::make<cyn::Channel<int>>();
    cyn::spawn(+[](IntChan ch) {
      cyn::sleep(0.005);
      ch->close();
    }, b);
    cyn::Select s2;
    s2.send(b, 5);
    s2.wait();
  }), cyn::ChannelClosedError);
}

TEST(Select, SendAndRecvOnTheSameChannelNeverMatchThemselves) {
  static int idx = -1, v = 0;
  cyn::run(+[]() {
    auto a = cyn::make<cyn::Channel<int>>();
    cyn::spawn(+[](IntChan ch) {
      cyn::sleep(0.005);
      ch->send(5);
    }, a);
    cyn::Select sel;
    sel.send(a, 1);
    sel.recv(a, &v);
    idx = sel.wait();
  });
  EXPECT_EQ(idx, 1);
  EXPECT_EQ(v, 5);
}

TEST(Select, EmptySelectBlocksForever) {
  EXPECT_THROW(cyn::run(+[]() {
    cyn::Select sel;
    sel.wait();
  }), cyn::DeadlockError);
}

// Go's nil channel: a case on a null channel is never ready, the others work as usual.
TEST(Select, CaseOnANullChannelIsNeverReady) {
  IntChan none;
  auto a = cyn::make<cyn::Channel<int>>(1);
  int v = -1;
  {
    cyn::Select sel;
    sel.recv(none, &v);
    sel.send(none, 3);
    EXPECT_EQ(sel.poll(), -1);
  }
  a->send(4);
  cyn::Select sel;
  sel.recv(none, &v);
  sel.send(none, 3);
  int ia = sel.recv(a, &v);
  EXPECT_EQ(sel.wait(), ia);
  EXPECT_EQ(v, 4);
  // And while waiting: the real channel's sender wakes it, the null cases stay out.
  static int idx = -1, got = 0;
  cyn::run(+[]() {
    IntChan nothing;
    auto b = cyn::make<cyn::Channel<int>>();
    cyn::spawn(+[](IntChan ch) {
      cyn::sleep(0.005);
      ch->send(9);
    }, b);
    cyn::Select s2;
    s2.recv(nothing, &got);
    s2.recv(b, &got);
    idx = s2.wait();
  });
  EXPECT_EQ(idx, 1);
  EXPECT_EQ(got, 9);
}

TEST(Select, OnlyNullChannelsBlocksForever) {
  EXPECT_THROW(cyn::run(+[]() {
    IntChan none;
    int v = 0;
    cyn::Select sel;
    sel.recv(none, &v);
    sel.send(none, 1);
    sel.wait();
  }), cyn::DeadlockError);
}

// Many selectors fan in from many producers; every value arrives exactly once.
TEST(Select, StressFanInCountsExactly) {
  const int producers = 16, each = static_cast<int>(5000 / kScale);
  static std::atomic<long> sum{0}, count{0};
  sum = 0;
  count = 0;
  cyn::run(+[](int p, int e) {
    std::vector<IntChan> chans;
    for (int i = 0; i < 4; ++i) chans.push_back(cyn::make<cyn::Channel<int>>(i % 2));
    auto quit = cyn::make<cyn::Channel<int>>();
    auto prod = cyn::make<cyn::WaitGroup>();
    auto cons = cyn::make<cyn::WaitGroup>();
    prod->add(p);
    for (int i = 0; i < p; ++i) {
      cyn::spawn(+[](IntChan out, int e2, WG w) {
        for (int j = 1; j <= e2; ++j) out->send(j);
        w->done();
      }, chans[i % 4], e, prod);
    }
    cons->add(4);
    for (int k = 0; k < 4; ++k) {
      cyn::spawn(+[](IntChan a, IntChan b, IntChan c, IntChan d, IntChan q, WG w) {
        for (;;) {
          cyn::Select sel;
          int v = 0;
          sel.recv(a, &v);
          sel.recv(b, &v);
          sel.recv(c, &v);
          sel.recv(d, &v);
          int iq = sel.recv(q, &v);
          if (sel.wait() == iq) break;
          sum += v;
          count++;
        }
        w->done();
      }, chans[0], chans[1], chans[2], chans[3], quit, cons);
    }
    prod->wait();
    quit->close();  // every consumer sees it once the data channels are drained... or sooner
    cons->wait();
    // Drain what the consumers left when they saw `quit` first.
    for (auto& ch : chans) {
      int v;
      cyn::Select sel;
      sel.recv(ch, &v);
      while (sel.poll() == 0) {
        sum += v;
        count++;
      }
    }
  }, producers, each);
  EXPECT_EQ(count.load(), static_cast<long>(producers) * each);
  EXPECT_EQ(sum.load(), static_cast<long>(producers) * each * (each + 1) / 2);
}

// cyn::stdlib::Select, what `Select` is in Cython: `sel = Select()` assigns a fresh one.
TEST(StdlibSelect, MoveAssignmentGivesAFreshSelect) {
  auto a = cyn::make<cyn::Channel<int>>(4);
  auto b = cyn::make<cyn::Channel<int>>(4);
  a->send(1);
  cyn::stdlib::Select sel;
  EXPECT_EQ(sel.size(), 0u);
  int v = 0;
  sel.recv(b, &v);
  sel.send(b, 5);  // dropped below with its copy of the value, never sent
  EXPECT_EQ(sel.size(), 2u);
  sel = cyn::stdlib::Select();
  EXPECT_EQ(sel.size(), 0u);
  EXPECT_EQ(sel.recv(a, &v), 0);
  EXPECT_EQ(sel.wait(), 0);
  EXPECT_EQ(v, 1);
  EXPECT_EQ(b->len(), 0u);
  for (int i = 0; i < 100; ++i) {  // Go's for { select { ... } }
    a->send(i);
    sel = cyn::stdlib::Select();
    sel.recv(b, &v);
    int ia = sel.recv(a, &v);
    EXPECT_EQ(sel.wait(), ia);
    EXPECT_EQ(v, i);
  }
  cyn::stdlib::Select moved(std::move(sel));
  EXPECT_EQ(moved.size(), 2u);
  EXPECT_EQ(sel.size(), 0u);
  EXPECT_EQ(sel.poll(), -1);  // a moved-from Select is empty and usable
}

TEST(StdlibSelect, RecvOkAsIntIsWrittenForTheChosenCaseOnly) {
  auto a = cyn::make<cyn::Channel<int>>(1);
  auto never = cyn::make<cyn::Channel<int>>();
  a->send(3);
  int v = 0, ok_a = 42, ok_never = 42;
  cyn::stdlib::Select sel;
  sel.recv(never, &v, &ok_never);
  int ia = sel.recv(a, &v, &ok_a);
  EXPECT_EQ(sel.wait(), ia);
  EXPECT_EQ(v, 3);
  EXPECT_EQ(ok_a, 1);
  EXPECT_EQ(ok_never, 42);
  a->close();
  sel = cyn::stdlib::Select();
  ia = sel.recv(a, &v, &ok_a);
  sel.recv(never, &v, &ok_never);
  EXPECT_EQ(sel.poll(), ia);
  EXPECT_EQ(v, 0);
  EXPECT_EQ(ok_a, 0);
  EXPECT_EQ(ok_never, 42);
  bool ok_bool = true;
  sel = cyn::stdlib::Select();
  sel.recv(a, &v, &ok_bool);
  EXPECT_EQ(sel.poll(), 0);
  EXPECT_FALSE(ok_bool);
}

TEST(StdlibSelect, BlockingWaitWithIntOk) {
  static int got = -1, ok = -1;
  cyn::run(+[]() {
    auto ch = cyn::make<cyn::Channel<int>>();
    cyn::spawn(+[](IntChan c) { c->send(8); c->close(); }, ch);
    for (int round = 0; round < 2; ++round) {
      cyn::stdlib::Select sel;
      int v = -1;
      sel.recv(ch, &v, &ok);
      EXPECT_EQ(sel.wait(), 0);
      if (round == 0) got = v;
    }
  });
  EXPECT_EQ(got, 8);
  EXPECT_EQ(ok, 0);  // the second round saw the close
}

}  // namespace
