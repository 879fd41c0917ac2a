// Netpoll: TCP over 127.0.0.1 with coroutines: echo, timeouts, close, errors, big writes.
#include "cyn/netpoll.hpp"

#include <errno.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "coro_test_util.hpp"
#include "cyn/channel.hpp"
#include "cyn/coro.hpp"
#include "cyn/waitgroup.hpp"

namespace {

using WG = cyn::Ref<cyn::WaitGroup>;
using IntChan = cyn::Ref<cyn::Channel<int>>;
constexpr std::int64_t kSecond = 1'000'000'000;

void echo_connection(int fd) {
  char buf[4096];
  for (;;) {
    long n = cyn::net::read(fd, buf, sizeof buf, 10 * kSecond);
    if (n <= 0) break;
    if (cyn::net::write_all(fd, buf, static_cast<std::size_t>(n), 10 * kSecond) != n) break;
  }
  cyn::net::close(fd);
}

void echo_server(int lfd, int connections) {
  for (int i = 0; i < connections; ++i) {
    int fd = cyn::net::accept(lfd, 10 * kSecond);
    ASSERT_GE(fd, 0) << strerror(-fd);
    cyn::spawn(&echo_connection, fd);
  }
}

std::atomic<long> g_echoed{0};

void echo_client(int port, int id, WG wg) {
  int fd = cyn::net::connect_tcp("127.0.0.1", port, 10 * kSecond);
  EXPECT_GE(fd, 0) << strerror(-fd);
  if (fd >= 0) {
    for (int round = 0; round < 20; ++round) {
      std::string msg = "client " + std::to_string(id) + " round " + std::to_string(round) + "\n";
      EXPECT_EQ(cyn::net::write_all(fd, msg.data(), msg.size(), 10 * kSecond),
                static_cast<long>(msg.size()));
      std::string back(msg.size(), '\0');
      std::size_t got = 0;
      while (got < msg.size()) {
        long n = cyn::net::read(fd, back.data() + got, msg.size() - got, 10 * kSecond);
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
      }
      EXPECT_EQ(back, msg);
      g_echoed += static_cast<long>(got);
    }
    cyn::net::close(fd);
  }
  wg->done();
}

TEST(Netpoll, EchoManyClientsExactly) {
  const int clients = static_cast<int>(200 / (kScale > 1 ? 10 : 1));
  g_echoed = 0;
  static long expected;
  expected = 0;
  for (int id = 0; id < clients; ++id) {
    for (int round = 0; round < 20; ++round) {
      expected += static_cast<long>(
          ("client " + std::to_string(id) + " round " + std::to_string(round) + "\n").size());
    }
  }
  cyn::run(+[](int n) {
    int lfd = cyn::net::listen_tcp("127.0.0.1", 0, 1024, false);
    ASSERT_GE(lfd, 0);
    int port = cyn::net::local_port(lfd);
    ASSERT_GT(port, 0);
    cyn::spawn(&echo_server, lfd, n);
    auto wg = cyn::make<cyn::WaitGroup>();
    wg->add(n);
    for (int i = 0; i < n; ++i) cyn::spawn(&echo_client, port, i, wg);
    wg->wait();
    cyn::net::close(lfd);
  }, clients);
  EXPECT_EQ(g_echoed.load(), expected);
}

TEST(Netpoll, ReadTimesOutAndAcceptTimesOut) {
  static long read_result = 0, accept_result = 0;
  static std::int64_t waited = 0;
  cyn::run(+[]() {
    int lfd = cyn::net::listen_tcp("127.0.0.1", 0, 16, false);
    ASSERT_GE(lfd, 0);
    std::int64_t t0 = cyn::detail::now_ns();
    accept_result = cyn::net::accept(lfd, 20'000'000);
    waited = cyn::detail::now_ns() - t0;
    int c = cyn::net::connect_tcp("127.0.0.1", cyn::net::local_port(lfd), kSecond);
    int s = cyn::net::accept(lfd, kSecond);
    char buf[16];
    read_result = cyn::net::read(s, buf, sizeof buf, 20'000'000);  // the client stays silent
    cyn::net::close(c);
    cyn::net::close(s);
    cyn::net::close(lfd);
  });
  EXPECT_EQ(accept_result, -ETIMEDOUT);
  EXPECT_GE(waited, 20'000'000);
  EXPECT_EQ(read_result, -ETIMEDOUT);
}

TEST(Netpoll, ReadSeesEndOfStream) {
  static long result = -1;
  cyn::run(+[]() {
    int lfd = cyn::net::listen_tcp("127.0.0.1", 0, 16, false);
    int c = cyn::net::connect_tcp("127.0.0.1", cyn::net::local_port(lfd), kSecond);
    int s = cyn::net::accept(lfd, kSecond);
    cyn::spawn(+[](int fd) {
      cyn::sleep(0.005);
      cyn::net::close(fd);
    }, c);
    char buf[16];
    result = cyn::net::read(s, buf, sizeof buf, kSecond);
    cyn::net::close(s);
    cyn::net::close(lfd);
  });
  EXPECT_EQ(result, 0);
}

TEST(Netpoll, CloseWakesAWaitingReaderWithECanceled) {
  static long result = 0;
  cyn::run(+[]() {
    int lfd = cyn::net::listen_tcp("127.0.0.1", 0, 16, false);
    int c = cyn::net::connect_tcp("127.0.0.1", cyn::net::local_port(lfd), kSecond);
    int s = cyn::net::accept(lfd, kSecond);
    auto done = cyn::make<cyn::Channel<int>>(1);
    cyn::spawn(+[](int fd, IntChan d) {
      char buf[16];
      d->send(static_cast<int>(cyn::net::read(fd, buf, sizeof buf, -1)));
    }, s, done);
    cyn::sleep(0.01);  // the reader is parked by now
    cyn::net::close(s);
    result = done->recv();
    cyn::net::close(c);
    cyn::net::close(lfd);
  });
  EXPECT_EQ(result, -ECANCELED);
}

TEST(Netpoll, SecondReaderOnTheSameFdGetsEBusy) {
  static long second = 0;
  cyn::run(+[]() {
    int lfd = cyn::net::listen_tcp("127.0.0.1", 0, 16, false);
    int c = cyn::net::connect_tcp("127.0.0.1", cyn::net::local_port(lfd), kSecond);
    int s = cyn::net::accept(lfd, kSecond);
    auto done = cyn::make<cyn::Channel<int>>(1);
    cyn::spawn(+[](int fd, IntChan d) {
      char buf[16];
      d->send(static_cast<int>(cyn::net::read(fd, buf, sizeof buf, kSecond)));
    }, s, done);
    cyn::sleep(0.01);
    char buf[16];
    second = cyn::net::read(s, buf, sizeof buf, kSecond);
    cyn::net::write_all(c, "x", 1, kSecond);
    EXPECT_EQ(done->recv(), 1);
    cyn::net::close(c);
    cyn::net::close(s);
    cyn::net::close(lfd);
  });
  EXPECT_EQ(second, -EBUSY);
}

TEST(Netpoll, ErrorsAreNegativeErrno) {
  static int refused = 0;
  static long badfd = 0;
  cyn::run(+[]() {
    int lfd = cyn::net::listen_tcp("127.0.0.1", 0, 16, false);
    int port = cyn::net::local_port(lfd);
    cyn::net::close(lfd);  // nobody listens there any more
    refused = cyn::net::connect_tcp("127.0.0.1", port, kSecond);
    char buf[4];
    badfd = cyn::net::read(-1, buf, sizeof buf, kSecond);
  });
  EXPECT_EQ(refused, -ECONNREFUSED);
  EXPECT_EQ(badfd, -EBADF);
  EXPECT_LT(cyn::net::listen_tcp("256.1.1.1", 0, 16, false), 0);
}

TEST(Netpoll, BigWritesAndWritevArriveIntact) {
  static bool intact = false;
  static long writev_result = 0;
  cyn::run(+[]() {
    const std::size_t size = 8u << 20;  // far beyond the socket buffers: many EAGAINs
    int lfd = cyn::net::listen_tcp("127.0.0.1", 0, 16, false);
    int c = cyn::net::connect_tcp("127.0.0.1", cyn::net::local_port(lfd), kSecond);
    int s = cyn::net::accept(lfd, kSecond);
    auto wg = cyn::make<cyn::WaitGroup>();
    wg->add(1);
    cyn::spawn(+[](int fd, WG w) {
      std::vector<unsigned char> data(8u << 20);
      for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<unsigned char>(i * 7);
      EXPECT_EQ(cyn::net::write_all(fd, data.data(), data.size(), 30 * kSecond),
                static_cast<long>(data.size()));
      const char* parts[] = {"alpha-", "", "beta-", "gamma"};
      iovec iov[4];
      for (int i = 0; i < 4; ++i) {
        iov[i].iov_base = const_cast<char*>(parts[i]);
        iov[i].iov_len = std::strlen(parts[i]);
      }
      writev_result = cyn::net::writev_all(fd, iov, 4, kSecond);
      w->done();
    }, c, wg);
    std::vector<unsigned char> got(size + 16);
    std::size_t n = 0;
    while (n < size + 16) {
      long r = cyn::net::read(s, got.data() + n, got.size() - n, 30 * kSecond);
      if (r <= 0) break;
      n += static_cast<std::size_t>(r);
    }
    wg->wait();
    bool ok = n == size + 16;
    for (std::size_t i = 0; ok && i < size; ++i) ok = got[i] == static_cast<unsigned char>(i * 7);
    ok = ok && std::memcmp(got.data() + size, "alpha-beta-gamma", 16) == 0;
    intact = ok;
    cyn::net::close(c);
    cyn::net::close(s);
    cyn::net::close(lfd);
  });
  EXPECT_TRUE(intact);
  EXPECT_EQ(writev_result, 16);
}

TEST(Netpoll, PlainThreadsUseTheSameCalls) {
  // A plain thread (not a coroutine) connects and talks to a coroutine server: its calls
  // block the thread instead of suspending.
  static int port = 0;
  auto ready = cyn::make<cyn::WaitGroup>();
  ready->add(1);
  auto done = cyn::make<cyn::WaitGroup>();
  done->add(1);
  cyn::spawn(+[](WG r, WG d) {
    int lfd = cyn::net::listen_tcp("127.0.0.1", 0, 16, false);
    port = cyn::net::local_port(lfd);
    r->done();
    int fd = cyn::net::accept(lfd, 10 * kSecond);
    echo_connection(fd);
    cyn::net::close(lfd);
    d->done();
  }, ready, done);
  ready->wait();
  int fd = cyn::net::connect_tcp("127.0.0.1", port, 10 * kSecond);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(cyn::net::write_all(fd, "ping", 4, kSecond), 4);
  char buf[8] = {};
  std::size_t got = 0;
  while (got < 4) {
    long n = cyn::net::read(fd, buf + got, 4 - got, 10 * kSecond);
    ASSERT_GT(n, 0);
    got += static_cast<std::size_t>(n);
  }
  EXPECT_STREQ(buf, "ping");
  char nothing;
  EXPECT_EQ(cyn::net::read(fd, &nothing, 1, 10'000'000), -ETIMEDOUT);
  cyn::net::close(fd);
  done->wait();
}

// fork() after the runtime started (Python's multiprocessing does it): the child has none of
// the parent's worker threads and shares its epoll set. Its first run() used to wait forever;
// now the child starts a scheduler and a poller of its own, and the parent's keep working.
// Not built under ThreadSanitizer, which refuses to start threads after a multi-threaded fork.
#if defined(__SANITIZE_THREAD__)
#define CYN_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CYN_TEST_TSAN 1
#endif
#endif
#ifndef CYN_TEST_TSAN
TEST(Netpoll, AForkedChildStartsARuntimeOfItsOwn) {
  cyn::run(+[]() { cyn::sleep(0.001); });  // the parent's scheduler and poller are running
  const int lfd = cyn::net::listen_tcp("127.0.0.1", 0, 16, false);
  ASSERT_GE(lfd, 0);
  const int port = cyn::net::local_port(lfd);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Child: coroutines, a timer and a socket served through the child's own poller.
    static std::atomic<int> echoed{0};
    static int child_port;
    child_port = port;
    cyn::run(+[]() {
      auto wg = cyn::make<cyn::WaitGroup>();
      wg->add(4);
      for (int i = 0; i < 4; ++i) {
        cyn::spawn(+[](WG w) {
          cyn::sleep(0.001);
          w->done();
        }, wg);
      }
      wg->wait();
      int fd = cyn::net::connect_tcp("127.0.0.1", child_port, 10 * kSecond);
      if (fd < 0) return;
      char buf[4];
      if (cyn::net::write_all(fd, "ping", 4, 10 * kSecond) == 4 &&
          cyn::net::read(fd, buf, 4, 10 * kSecond) == 4 && std::memcmp(buf, "ping", 4) == 0) {
        echoed = 1;
      }
      cyn::net::close(fd);
    });
    _exit(echoed.load() == 1 ? 0 : 3);
  }
  // Parent: serve the child's connection with its own runtime, then collect the child.
  cyn::run(+[](int listen_fd) { echo_server(listen_fd, 1); }, lfd);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  cyn::net::close(lfd);
}
#endif

TEST(Netpoll, WaitingForIoIsNotADeadlock) {
  static long got = 0;
  cyn::run(+[]() {
    int lfd = cyn::net::listen_tcp("127.0.0.1", 0, 16, false);
    int port = cyn::net::local_port(lfd);
    // A plain thread connects later: meanwhile every worker is idle, only I/O can wake us.
    std::thread t([port] {
      usleep(30000);
      int fd = cyn::net::connect_tcp("127.0.0.1", port, kSecond);
      cyn::net::write_all(fd, "abc", 3, kSecond);
      cyn::net::close(fd);
    });
    int s = cyn::net::accept(lfd, 10 * kSecond);
    char buf[8];
    long n = 0, r;
    while ((r = cyn::net::read(s, buf + n, sizeof buf - n, 10 * kSecond)) > 0) n += r;
    got = n;
    t.join();
    cyn::net::close(s);
    cyn::net::close(lfd);
  });
  EXPECT_EQ(got, 3);
}

TEST(Netpoll, WaitFdOnAnFdThatIsNotOpenIsEBadfAtOnce) {
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  int closed = pipe_fds[0];
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
  EXPECT_EQ(cyn::net::wait_fd(-1, false, kSecond), -EBADF);
  EXPECT_EQ(cyn::net::wait_fd(closed, true, kSecond), -EBADF);
}

}  // namespace
