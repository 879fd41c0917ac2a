// GoogleTests for the connection loop (cyn/http/connection.hpp), driven over a Unix socket
// pair with plain blocking I/O (poll() for timeouts) instead of the coroutine netpoller:
// keep-alive, pipelining order, HEAD, HTTP/1.0, Connection: close, 404, protocol errors,
// the header (slowloris) and idle timeouts, large bodies, and the stop wake-up.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <thread>

#include "cyn/http/connection.hpp"

using namespace cyn::http;
using cyn::Ref;

namespace {

long wait_fd(int fd, short events, std::int64_t timeout_ns) {
  pollfd p{fd, events, 0};
  int ms = timeout_ns < 0 ? -1 : int(timeout_ns / 1'000'000);
  int r = ::poll(&p, 1, ms);
  if (r == 0) return -ETIMEDOUT;
  if (r < 0) return -errno;
  return 0;
}

long blocking_read(int fd, void* buf, std::size_t n, std::int64_t timeout_ns) {
  long w = wait_fd(fd, POLLIN, timeout_ns);
  if (w < 0) return w;
  long r = ::read(fd, buf, n);
  return r < 0 ? -errno : r;
}

long blocking_write_all(int fd, const void* buf, std::size_t n, std::int64_t) {
  const char* p = static_cast<const char*>(buf);
  std::size_t left = n;
  while (left > 0) {
    long w = ::send(fd, p, left, MSG_NOSIGNAL);
    if (w < 0) return -errno;
    p += w;
    left -= std::size_t(w);
  }
  return long(n);
}

long blocking_writev_all(int fd, const iovec* iov, int iovcnt, std::int64_t t) {
  long total = 0;
  for (int i = 0; i < iovcnt; ++i) {
    long w = blocking_write_all(fd, iov[i].iov_base, iov[i].iov_len, t);
    if (w < 0) return w;
    total += w;
  }
  return total;
}

const ConnectionIo kBlockingIo{blocking_read, blocking_write_all, blocking_writev_all};

int hello(Ref<Request>, Ref<Response> resp) {
  resp->set_body("Hello, World!", "text/plain");
  return 200;
}
int echo(Ref<Request> req, Ref<Response> resp) {
  resp->set_body(req->body(), req->body_len(), "application/octet-stream");
  return 0;  // use the response's status (200)
}
int path_echo(Ref<Request> req, Ref<Response> resp) {
  resp->set_body(req->path(), "text/plain");
  return 200;
}
int big(Ref<Request> req, Ref<Response> resp) {
  std::string s(std::size_t(req->query_int("n", 100000)), 'z');
  resp->set_body(s.data(), s.size(), "text/plain");
  return 200;
}
int bad_status(Ref<Request>, Ref<Response>) { return 7; }
// Answers with the status in ?s= (a handler's return value), or via set_status with ?via=set.
int any_status(Ref<Request> req, Ref<Response> resp) {
  resp->set_body("body", "text/plain");
  int s = int(req->query_int("s", 200));
  if (req->query_raw("via", nullptr) != nullptr) {
    resp->set_status(s);
    return 0;
  }
  return s;
}
int closer(Ref<Request>, Ref<Response> resp) {
  resp->set_header("Connection", "close");
  return 204;
}

// One server-side connection on a thread; the test talks to `client`.
class ConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.add("/", hello);
    router_.add("/echo", echo);
    router_.add("/path", path_echo);
    router_.add("/big", big);
    router_.add("/bad", bad_status);
    router_.add("/status", any_status);
    router_.add("/close", closer);
    router_.add("/only", hello);
  }
  void TearDown() override {
    if (server_.joinable()) {
      ::shutdown(client_, SHUT_RDWR);
      server_.join();
    }
    if (client_ >= 0) ::close(client_);
    if (server_fd_ >= 0) ::close(server_fd_);
  }

  void start() {
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    client_ = sv[0];
    server_fd_ = sv[1];
    timeval tv{10, 0};  // bounds every client read: no test can hang
    ::setsockopt(client_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    config_ = ConnectionConfig{&limits_, &router_, &stopping_};
    server_ = std::thread([this] {
      serve_connection(server_fd_, config_, kBlockingIo, &control_);
      ::shutdown(server_fd_, SHUT_RDWR);
      served_ = true;
    });
  }

  void send(const std::string& s) {
    ASSERT_EQ(::send(client_, s.data(), s.size(), MSG_NOSIGNAL), long(s.size()));
  }

  // Everything the server sends until it closes.
  std::string read_all() {
    std::string out;
    char buf[65536];
    for (;;) {
      long n = ::read(client_, buf, sizeof buf);
      if (n <= 0) break;
      out.append(buf, std::size_t(n));
    }
    return out;
  }

  // Reads exactly one response (head + Content-Length body).
  std::string read_response() {
    std::string out;
    char c;
    while (out.find("\r\n\r\n") == std::string::npos) {
      if (::read(client_, &c, 1) != 1) return out;
      out.push_back(c);
    }
    std::size_t cl = out.find("Content-Length: ");
    if (cl != std::string::npos) {
      std::size_t n = std::stoul(out.substr(cl + 16));
      while (n-- > 0 && ::read(client_, &c, 1) == 1) out.push_back(c);
    }
    return out;
  }

  static int count(const std::string& s, const std::string& needle) {
    int n = 0;
    for (std::size_t p = s.find(needle); p != std::string::npos; p = s.find(needle, p + needle.size())) ++n;
    return n;
  }

  Limits limits_;
  Router router_;
  std::atomic<bool> stopping_{false};
  ConnectionConfig config_{};
  ConnectionControl control_;
  std::thread server_;
  std::atomic<bool> served_{false};
  int client_ = -1;
  int server_fd_ = -1;
};

}  // namespace

TEST_F(ConnectionTest, KeepAliveServesManyRequests) {
  start();
  for (int i = 0; i < 3; ++i) {
    send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    std::string r = read_response();
    EXPECT_EQ(r.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << r;
    EXPECT_NE(r.find("\r\n\r\nHello, World!"), std::string::npos);
    EXPECT_EQ(r.find("Connection: close"), std::string::npos);
  }
  send("GET /path/x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  std::string last = read_all();
  EXPECT_NE(last.find("Connection: close\r\n"), std::string::npos);
  EXPECT_NE(last.find("\r\n\r\n/path/x"), std::string::npos);
  server_.join();
  EXPECT_TRUE(served_);
}

TEST_F(ConnectionTest, PipelinedResponsesInOrder) {
  start();
  send("GET /path/1 HTTP/1.1\r\nHost: h\r\n\r\n"
       "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
       "GET /path/3 HTTP/1.1\r\nHost: h\r\n\r\n"
       "GET /path/4 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  std::string all = read_all();
  std::size_t a = all.find("/path/1"), b = all.find("abcde"), c = all.find("/path/3"), d = all.find("/path/4");
  ASSERT_NE(a, std::string::npos) << all;
  ASSERT_NE(b, std::string::npos) << all;
  ASSERT_NE(c, std::string::npos) << all;
  ASSERT_NE(d, std::string::npos) << all;
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_LT(c, d);
  EXPECT_EQ(count(all, "HTTP/1.1 200 OK"), 4);
}

TEST_F(ConnectionTest, RequestSplitAcrossWrites) {
  start();
  std::string req = "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";
  for (char ch : req) send(std::string(1, ch));
  std::string all = read_all();
  EXPECT_EQ(all.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_NE(all.find("\r\n\r\nhello"), std::string::npos);
}

TEST_F(ConnectionTest, HeadHasLengthButNoBody) {
  start();
  send("HEAD / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  std::string all = read_all();
  EXPECT_NE(all.find("Content-Length: 13\r\n"), std::string::npos) << all;
  EXPECT_EQ(all.substr(all.size() - 4), "\r\n\r\n");
}

TEST_F(ConnectionTest, Http10ClosesByDefault) {
  start();
  send("GET / HTTP/1.0\r\n\r\n");
  std::string all = read_all();  // returns only because the server closed
  EXPECT_EQ(all.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_NE(all.find("Connection: close\r\n"), std::string::npos);
}

TEST_F(ConnectionTest, Http10KeepAlive) {
  start();
  send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  std::string r = read_response();
  EXPECT_NE(r.find("Connection: keep-alive\r\n"), std::string::npos) << r;
  send("GET / HTTP/1.0\r\n\r\n");
  std::string all = read_all();
  EXPECT_NE(all.find("Connection: close\r\n"), std::string::npos);
}

TEST_F(ConnectionTest, UnknownPathIs404AndConnectionStaysOpen) {
  router_ = Router();
  router_.add("/only", hello);
  start();
  send("GET /nope HTTP/1.1\r\nHost: h\r\n\r\n");
  std::string r = read_response();
  EXPECT_EQ(r.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u) << r;
  send("GET /only HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(read_all().rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
}

TEST_F(ConnectionTest, MalformedRequestGets400ThenClose) {
  start();
  send("GET / HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\nBad Header\r\n\r\nGET / HTTP/1.1\r\n\r\n");
  std::string all = read_all();
  EXPECT_EQ(all.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_NE(all.find("HTTP/1.1 400 Bad Request\r\n"), std::string::npos);
  EXPECT_EQ(count(all, "HTTP/1.1 "), 2);  // nothing after the 400
}

TEST_F(ConnectionTest, HandlerStatusOutOfRangeIs500) {
  start();
  send("GET /bad HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(read_all().rfind("HTTP/1.1 500 Internal Server Error\r\n", 0), 0u);
}

// A handler's status is the final response: a 1xx there would be taken by the client as an
// interim response, and the next pipelined response as this request's answer.
TEST_F(ConnectionTest, HandlerInformationalStatusIs500) {
  start();
  send("GET /status?s=100 HTTP/1.1\r\nHost: h\r\n\r\n"
       "GET /status?s=101&via=set HTTP/1.1\r\nHost: h\r\n\r\n"
       "GET /status?s=199 HTTP/1.1\r\nHost: h\r\n\r\n"
       "GET /status?s=200 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  std::string all = read_all();
  EXPECT_EQ(count(all, "HTTP/1.1 500 Internal Server Error\r\n"), 3) << all;
  EXPECT_EQ(count(all, "HTTP/1.1 1"), 0) << all;
  EXPECT_EQ(count(all, "HTTP/1.1 "), 4) << all;
  EXPECT_NE(all.find("HTTP/1.1 200 OK\r\n"), std::string::npos) << all;
  EXPECT_EQ(all.find("\r\n\r\nbody"), all.rfind("\r\n\r\nbody")) << all;  // only the 200 has it
}

TEST_F(ConnectionTest, StatusLinesOfRegisteredAndUnregisteredCodes) {
  start();
  send("GET /status?s=418 HTTP/1.1\r\nHost: h\r\n\r\n"
       "GET /status?s=451 HTTP/1.1\r\nHost: h\r\n\r\n"
       "GET /status?s=599&via=set HTTP/1.1\r\nHost: h\r\n\r\n"
       "GET /status?s=600 HTTP/1.1\r\nHost: h\r\n\r\n"
       "GET /status?s=999 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  std::string all = read_all();
  EXPECT_EQ(all.rfind("HTTP/1.1 418 I'm a teapot\r\n", 0), 0u) << all;
  EXPECT_NE(all.find("HTTP/1.1 451 Unavailable For Legal Reasons\r\n"), std::string::npos) << all;
  EXPECT_NE(all.find("HTTP/1.1 599 \r\n"), std::string::npos) << all;
  // Above 599 is not an HTTP status (RFC 9110 §15): the handler's 600 and 999 are 500s.
  EXPECT_EQ(all.find("HTTP/1.1 6"), std::string::npos) << all;
  EXPECT_EQ(all.find("HTTP/1.1 9"), std::string::npos) << all;
  EXPECT_EQ(count(all, "HTTP/1.1 500 Internal Server Error\r\n"), 2) << all;
  EXPECT_EQ(all.find("Unknown"), std::string::npos) << all;
  EXPECT_EQ(count(all, "\r\n\r\nbody"), 3) << all;
}

TEST_F(ConnectionTest, HandlerCanAskToClose) {
  start();
  send("GET /close HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n");
  std::string all = read_all();
  EXPECT_EQ(all.rfind("HTTP/1.1 204 No Content\r\n", 0), 0u);
  EXPECT_NE(all.find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(count(all, "HTTP/1.1 "), 1);
}

TEST_F(ConnectionTest, LargeBodyGoesOutWhole) {
  start();
  send("GET /big?n=300000 HTTP/1.1\r\nHost: h\r\n\r\nGET /path/after HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  std::string all = read_all();
  EXPECT_NE(all.find("Content-Length: 300000\r\n"), std::string::npos);
  EXPECT_EQ(count(all, std::string(1000, 'z')), 300);
  EXPECT_NE(all.find("/path/after"), std::string::npos);
}

TEST_F(ConnectionTest, LargeUploadIsEchoed) {
  start();
  std::string body(200000, 'u');
  send("POST /echo HTTP/1.1\r\nHost: h\r\nConnection: close\r\nContent-Length: 200000\r\n\r\n");
  send(body);
  std::string all = read_all();
  EXPECT_NE(all.find("Content-Length: 200000\r\n"), std::string::npos);
  EXPECT_EQ(all.substr(all.size() - body.size()), body);
}

TEST_F(ConnectionTest, BodyTooLargeIs413) {
  limits_.max_body_bytes = 10;
  start();
  send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n");
  EXPECT_EQ(read_all().rfind("HTTP/1.1 413 Content Too Large\r\n", 0), 0u);
}

TEST_F(ConnectionTest, SlowHeaderGets408) {
  limits_.header_timeout_ns = 200'000'000;
  start();
  send("GET / HTTP/1.1\r\nHost: h\r\n");  // never finished
  std::string all = read_all();
  EXPECT_EQ(all.rfind("HTTP/1.1 408 Request Timeout\r\n", 0), 0u) << all;
}

TEST_F(ConnectionTest, HeaderDeadlineIsNotResetByTrickling) {
  limits_.header_timeout_ns = 300'000'000;
  start();
  // One byte every 50 ms would take 1.3 s: the 300 ms deadline counts from the first byte.
  std::thread trickle([this] {
    std::string req = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
    for (char ch : req) {
      if (::send(client_, &ch, 1, MSG_NOSIGNAL) != 1) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  std::string all = read_all();
  trickle.join();
  EXPECT_EQ(all.rfind("HTTP/1.1 408 Request Timeout\r\n", 0), 0u) << all;
}

TEST_F(ConnectionTest, IdleConnectionClosesSilently) {
  limits_.idle_timeout_ns = 200'000'000;
  start();
  send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
  std::string all = read_all();  // the response, then EOF at the idle timeout
  EXPECT_EQ(count(all, "HTTP/1.1 "), 1);
  EXPECT_EQ(all.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
}

TEST_F(ConnectionTest, StopWakesIdleConnection) {
  start();
  send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
  read_response();
  // What a stopping server does for an idle connection.
  stopping_ = true;
  for (int i = 0; i < 1000 && control_.phase.load() != ConnectionControl::kIdle; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  int idle = ConnectionControl::kIdle;
  ASSERT_TRUE(control_.phase.compare_exchange_strong(idle, ConnectionControl::kClosing));
  ::shutdown(server_fd_, SHUT_RD);
  server_.join();
  EXPECT_TRUE(served_);
}

TEST_F(ConnectionTest, StoppingFinishesInFlightRequestWithClose) {
  start();
  send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nab");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  stopping_ = true;
  send("cd");
  std::string all = read_all();
  EXPECT_EQ(all.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << all;
  EXPECT_NE(all.find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(all.substr(all.size() - 4), "abcd");
}

TEST_F(ConnectionTest, OneRequestAndResponseObjectPerConnection) {
  const std::int64_t before = cyn::live_objects();
  start();
  for (int i = 0; i < 100; ++i) {
    send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    read_response();
    // The connection's Request and Response, reused: nothing more per request.
    EXPECT_EQ(cyn::live_objects(), before + 2);
  }
  send("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  read_all();
  server_.join();
  EXPECT_EQ(cyn::live_objects(), before);  // both freed when the connection ends
}

TEST_F(ConnectionTest, SlowBodyGets408AtTheBodyDeadline) {
  limits_.body_timeout_ns = 300'000'000;
  start();
  // Each byte comes well within the per-read (header) timeout, but the body as a whole
  // would take 2 s: the 300 ms body deadline ends it.
  std::thread trickle([this] {
    std::string head = "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 40\r\n\r\n";
    if (::send(client_, head.data(), head.size(), MSG_NOSIGNAL) < 0) return;
    for (int i = 0; i < 40; ++i) {
      if (::send(client_, "x", 1, MSG_NOSIGNAL) != 1) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  std::string all = read_all();
  trickle.join();
  EXPECT_EQ(all.rfind("HTTP/1.1 408 Request Timeout\r\n", 0), 0u) << all;
}

TEST_F(ConnectionTest, BodyOfManyWriteSlicesArrivesWholeAndInOrder) {
  // Bodies go out in slices of 256 KiB (each with its own timeout): every byte arrives, and
  // the pipelined response after it too.
  start();
  send("GET /big?n=786439 HTTP/1.1\r\nHost: h\r\n\r\nGET /path/next HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  std::string all = read_all();
  std::size_t body = all.find("\r\n\r\n") + 4;
  ASSERT_NE(all.find("Content-Length: 786439\r\n"), std::string::npos);
  EXPECT_EQ(all.find_first_not_of('z', body), body + 786439);
  EXPECT_EQ(all.rfind("/path/next"), all.size() - 10);
}

TEST_F(ConnectionTest, ExpectContinueWithABodyLargerThanTheReadBuffer) {
  // The read buffer grows for this body after the head is parsed: the Expect field must be
  // read before that (the parsed fields point into the buffer).
  start();
  send("POST /echo HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 100000\r\n\r\n");
  std::string interim;
  char c;
  while (interim.find("\r\n\r\n") == std::string::npos && ::read(client_, &c, 1) == 1) interim.push_back(c);
  EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
  send(std::string(100000, 'e'));
  std::string response = read_response();
  EXPECT_NE(response.find("HTTP/1.1 200 OK\r\n"), std::string::npos) << response.substr(0, 200);
  EXPECT_EQ(count(response, std::string(1000, 'e')), 100);
}

TEST_F(ConnectionTest, ResetContentHasLengthZeroAndNoBody) {
  start();
  send("GET /status?s=205 HTTP/1.1\r\nHost: h\r\n\r\n"
       "HEAD /status?s=205 HTTP/1.1\r\nHost: h\r\n\r\n"
       "GET /status?s=200 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  std::string all = read_all();
  EXPECT_EQ(count(all, "HTTP/1.1 205 Reset Content\r\n"), 2) << all;
  EXPECT_EQ(count(all, "Content-Length: 0\r\n"), 2) << all;
  EXPECT_EQ(count(all, "body"), 1) << all;  // only the 200's
}

TEST_F(ConnectionTest, ChunkedBodyArrivingInPiecesIsDecodedOnce) {
  start();
  send("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
  std::string expected;
  for (int i = 0; i < 200; ++i) {
    send("1\r\n" + std::string(1, char('a' + i % 26)) + "\r\n");
    expected.push_back(char('a' + i % 26));
  }
  send("0\r\nT: 1\r\n\r\n");
  std::string all = read_all();
  EXPECT_NE(all.find("Content-Length: 200\r\n"), std::string::npos) << all;
  EXPECT_EQ(all.substr(all.size() - 200), expected);
}
