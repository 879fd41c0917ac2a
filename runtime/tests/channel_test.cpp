// Channels: buffered and unbuffered transfer, close semantics, Ref elements, stress.
#include "cyn/channel.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include <atomic>
#include <thread>
#include <vector>

#include "coro_test_util.hpp"
#include "cyn/coro.hpp"
#include "cyn/waitgroup.hpp"

namespace {

using IntChan = cyn::Ref<cyn::Channel<int>>;
using WG = cyn::Ref<cyn::WaitGroup>;

TEST(Channel, BufferedKeepsFifoOrderAndReportsLenAndCap) {
  auto ch = cyn::make<cyn::Channel<int>>(3);
  EXPECT_EQ(ch->cap(), 3u);
  EXPECT_EQ(ch->len(), 0u);
  ch->send(1);
  ch->send(2);
  ch->send(3);
  EXPECT_EQ(ch->len(), 3u);
  EXPECT_EQ(ch->recv(), 1);
  EXPECT_EQ(ch->recv(), 2);
  ch->send(4);
  EXPECT_EQ(ch->recv(), 3);
  EXPECT_EQ(ch->recv(), 4);
  EXPECT_EQ(ch->len(), 0u);
}

TEST(Channel, UnbufferedIsARendezvous) {
  static std::atomic<int> received{0};
  received = 0;
  cyn::run(+[]() {
    auto ch = cyn::make<cyn::Channel<int>>();
    EXPECT_EQ(ch->cap(), 0u);
    auto wg = cyn::make<cyn::WaitGroup>();
    wg->add(1);
    cyn::spawn(+[](IntChan c, WG w) {
      for (int i = 1; i <= 100; ++i) c->send(i);
      w->done();
    }, ch, wg);
    long sum = 0;
    for (int i = 1; i <= 100; ++i) {
      int v = ch->recv();
      EXPECT_EQ(v, i);
      sum += v;
      EXPECT_EQ(ch->len(), 0u);  // nothing is ever buffered
    }
    wg->wait();
    received = static_cast<int>(sum);
  });
  EXPECT_EQ(received.load(), 5050);
}

TEST(Channel, CloseDrainsBufferThenReportsClosed) {
  auto ch = cyn::make<cyn::Channel<int>>(4);
  ch->send(10);
  ch->send(20);
  ch->close();
  EXPECT_TRUE(ch->closed());
  int v = -1;
  EXPECT_TRUE(ch->recv_ok(&v));
  EXPECT_EQ(v, 10);
  EXPECT_EQ(ch->recv(), 20);
  EXPECT_FALSE(ch->recv_ok(&v));
  EXPECT_EQ(v, 0);  // zero value once closed and drained
  EXPECT_EQ(ch->recv(), 0);
}

TEST(Channel, SendOnClosedThrowsAndCloseTwiceThrows) {
  auto ch = cyn::make<cyn::Channel<int>>(1);
  ch->close();
  try {
    ch->send(1);
    FAIL();
  } catch (const cyn::ChannelClosedError& e) {
    EXPECT_STREQ(e.what(), "send on closed channel");
  }
  try {
    ch->close();
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "close of closed channel");
  }
}

// Cython passes a negative capacity as a huge size_t; a capacity whose buffer size overflows
// used to allocate a tiny buffer (or abort with bad_alloc): now it is refused up front.
TEST(Channel, CapacityOutOfRangeThrowsInvalidArgument) {
  const auto before = cyn::live_objects();
  EXPECT_THROW(cyn::make<cyn::Channel<int>>(static_cast<std::size_t>(-1)), std::invalid_argument);
  EXPECT_THROW(cyn::make<cyn::Channel<long>>(std::size_t{1} << 61), std::invalid_argument);
  EXPECT_EQ(cyn::live_objects(), before);
  auto ok = cyn::make<cyn::Channel<long>>(1000);
  EXPECT_EQ(ok->cap(), 1000u);
}

TEST(Channel, CloseWakesBlockedReceiversAndSenders) {
  static std::atomic<int> receivers_closed{0}, senders_failed{0};
  receivers_closed = 0;
  senders_failed = 0;
  cyn::run(+[]() {
    auto in = cyn::make<cyn::Channel<int>>();   // receivers block here
    auto out = cyn::make<cyn::Channel<int>>();  // senders block here
    auto wg = cyn::make<cyn::WaitGroup>();
    wg->add(20);
    for (int i = 0; i < 10; ++i) {
      cyn::spawn(+[](IntChan c, WG w) {
        int v = 5;
        if (!c->recv_ok(&v) && v == 0) receivers_closed++;
        w->done();
      }, in, wg);
      cyn::spawn(+[](IntChan c, WG w) {
        try {
          c->send(1);
        } catch (const cyn::ChannelClosedError&) {
          senders_failed++;
        }
        w->done();
      }, out, wg);
    }
    cyn::sleep(0.02);  // let them all block
    in->close();
    out->close();
    wg->wait();
  });
  EXPECT_EQ(receivers_closed.load(), 10);
  EXPECT_EQ(senders_failed.load(), 10);
}

TEST(Channel, BlockedSenderIsMovedIntoTheBufferWhenRoomAppears) {
  static std::vector<int> got;
  got.clear();
  cyn::run(+[]() {
    auto ch = cyn::make<cyn::Channel<int>>(2);
    auto wg = cyn::make<cyn::WaitGroup>();
    wg->add(1);
    cyn::spawn(+[](IntChan c, WG w) {
      for (int i = 0; i < 6; ++i) c->send(i);  // blocks when 2 are buffered
      c->close();
      w->done();
    }, ch, wg);
    int v;
    while (ch->recv_ok(&v)) {
      got.push_back(v);
      cyn::yield_();
    }
    wg->wait();
  });
  EXPECT_EQ(got, (std::vector<int>{0, 1, 2, 3, 4, 5}));
}

struct Item : cyn::Object {
  static std::atomic<int> alive;
  int v;
  explicit Item(int x) : v(x) { alive++; }
  ~Item() override { alive--; }
};
std::atomic<int> Item::alive{0};
using ItemChan = cyn::Ref<cyn::Channel<cyn::Ref<Item>>>;

TEST(Channel, RefElementsAreNeitherLeakedNorDroppedEarly) {
  Item::alive = 0;
  const auto before = settled_live_objects();
  static std::atomic<long> sum{0};
  sum = 0;
  cyn::run(+[]() {
    auto ch = cyn::make<cyn::Channel<cyn::Ref<Item>>>(8);
    auto unbuffered = cyn::make<cyn::Channel<cyn::Ref<Item>>>();
    auto wg = cyn::make<cyn::WaitGroup>();
    wg->add(2);
    cyn::spawn(+[](ItemChan c, ItemChan u, WG w) {
      for (int i = 0; i < 1000; ++i) c->send(cyn::make<Item>(i));
      c->close();
      for (int i = 0; i < 1000; ++i) u->send(cyn::make<Item>(i));
      u->close();
      w->done();
    }, ch, unbuffered, wg);
    cyn::spawn(+[](ItemChan c, ItemChan u, WG w) {
      cyn::Ref<Item> it;
      while (c->recv_ok(&it)) {
        sum += it->v;
      }
      EXPECT_TRUE(it == nullptr);  // zero value once drained
      while ((it = u->recv())) sum += it->v;
      w->done();
    }, ch, unbuffered, wg);
    wg->wait();
    // Values left in a buffer die with the channel.
    auto leftover = cyn::make<cyn::Channel<cyn::Ref<Item>>>(4);
    leftover->send(cyn::make<Item>(1));
    leftover->send(cyn::make<Item>(2));
  });
  EXPECT_EQ(sum.load(), 2 * 999 * 1000 / 2);
  EXPECT_EQ(settled_live_objects(), before);
  EXPECT_EQ(Item::alive.load(), 0);
}

struct Point {
  double x, y;
  int tag;
};

TEST(Channel, StructElementsAreCopied) {
  auto ch = cyn::make<cyn::Channel<Point>>(2);
  ch->send(Point{1.5, 2.5, 3});
  Point p = ch->recv();
  EXPECT_EQ(p.x, 1.5);
  EXPECT_EQ(p.y, 2.5);
  EXPECT_EQ(p.tag, 3);
  ch->close();
  p = ch->recv();
  EXPECT_EQ(p.tag, 0);
}

// A ring of coroutines, each forwarding a token to the next through its own channel.
void ring_member(IntChan in, IntChan out, int laps) {
  for (int i = 0; i < laps; ++i) out->send(in->recv() + 1);
}

TEST(Channel, ProducerConsumerRingsCountExactly) {
  static long final_token = 0;
  const int members = 100, laps = static_cast<int>(200 / (kScale > 1 ? 10 : 1));
  cyn::run(+[](int n, int l) {
    std::vector<IntChan> chans;
    for (int i = 0; i < n; ++i) chans.push_back(cyn::make<cyn::Channel<int>>(i % 2));
    for (int i = 0; i < n - 1; ++i) cyn::spawn(&ring_member, chans[i], chans[i + 1], l);
    // We are the last member: inject the token and pass it round `l` times.
    int token = 0;
    for (int lap = 0; lap < l; ++lap) {
      chans[0]->send(token);
      token = chans[n - 1]->recv() + 1;
    }
    final_token = token;
  }, members, laps);
  EXPECT_EQ(final_token, static_cast<long>(members) * laps);
}

TEST(Channel, TenThousandChannelsManyProducersOneCollector) {
  const int nchan = static_cast<int>(10000 / kScale), per = 10;
  static std::atomic<long> total{0};
  total = 0;
  cyn::run(+[](int n, int k) {
    auto results = cyn::make<cyn::Channel<long>>(64);
    auto wg = cyn::make<cyn::WaitGroup>();
    wg->add(n);
    for (int i = 0; i < n; ++i) {
      auto ch = cyn::make<cyn::Channel<int>>(i % 3);  // mix of unbuffered and buffered
      cyn::spawn(+[](IntChan c, int k2, int base) {
        for (int j = 0; j < k2; ++j) c->send(base + j);
        c->close();
      }, ch, k, i * k);
      cyn::spawn(+[](IntChan c, cyn::Ref<cyn::Channel<long>> r, WG w) {
        long s = 0;
        int v;
        while (c->recv_ok(&v)) s += v;
        r->send(s);
        w->done();
      }, ch, results, wg);
    }
    long sum = 0;
    for (int i = 0; i < n; ++i) sum += results->recv();
    wg->wait();
    total = sum;
  }, nchan, per);
  const long m = static_cast<long>(nchan) * per;
  EXPECT_EQ(total.load(), m * (m - 1) / 2);
}

TEST(Channel, ManyToManyUnbufferedDeliversEveryValueOnce) {
  const int producers = 8, consumers = 8, each = static_cast<int>(20000 / kScale);
  static std::atomic<long> sum{0}, count{0};
  sum = 0;
  count = 0;
  cyn::run(+[](int p, int c, int e) {
    auto ch = cyn::make<cyn::Channel<int>>();
    auto prod = cyn::make<cyn::WaitGroup>();
    auto cons = cyn::make<cyn::WaitGroup>();
    prod->add(p);
    cons->add(c);
    for (int i = 0; i < p; ++i) {
      cyn::spawn(+[](IntChan ch2, int e2, WG w) {
        for (int j = 1; j <= e2; ++j) ch2->send(j);
        w->done();
      }, ch, e, prod);
    }
    for (int i = 0; i < c; ++i) {
      cyn::spawn(+[](IntChan ch2, WG w) {
        int v;
        while (ch2->recv_ok(&v)) {
          sum += v;
          count++;
        }
        w->done();
      }, ch, cons);
    }
    prod->wait();
    ch->close();
    cons->wait();
  }, producers, consumers, each);
  EXPECT_EQ(count.load(), static_cast<long>(producers) * each);
  EXPECT_EQ(sum.load(), static_cast<long>(producers) * each * (each + 1) / 2);
}

TEST(Channel, PlainThreadsAndCoroutinesShareAChannel) {
  auto ch = cyn::make<cyn::Channel<int>>();
  auto wg = cyn::make<cyn::WaitGroup>();
  static std::atomic<long> sum{0};
  sum = 0;
  wg->add(1);
  cyn::spawn(+[](IntChan c, WG w) {
    int v;
    while (c->recv_ok(&v)) sum += v;
    w->done();
  }, ch, wg);
  std::thread t([ch] {
    for (int i = 1; i <= 1000; ++i) ch->send(i);  // blocks this thread per rendezvous
    ch->close();
  });
  t.join();
  wg->wait();
  EXPECT_EQ(sum.load(), 500500);
}

}  // namespace
