// GoogleTests for cyn::http::Server on the coroutine runtime: serve() on an ephemeral port in
// a thread, real requests over loopback sockets, stop() from another thread, the drain, and
// the errors serve() reports.
#include "cyn/http/server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

using namespace cyn::http;
using cyn::Ref;

namespace {

int hello(Ref<Request>, Ref<Response> resp) {
  resp->set_body("Hello, World!", "text/plain");
  return 200;
}

int query_echo(Ref<Request> req, Ref<Response> resp) {
  resp->set_body_int(req->query_int("v", -1));
  return 0;
}

// Connects to 127.0.0.1:port; every read is bounded by a 10 s receive timeout.
int connect_to(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(std::uint16_t(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

std::string roundtrip(int port, const std::string& request) {
  int fd = connect_to(port);
  if (fd < 0) return "connect failed";
  (void)!::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string out;
  char buf[4096];
  for (;;) {
    long n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, std::size_t(n));
  }
  ::close(fd);
  return out;
}

// Runs server->serve() on a thread; waits until it listens.
struct Serving {
  Ref<Server> server;
  std::thread thread;
  int rc = -1;
  std::string error;

  explicit Serving(Ref<Server> s) : server(std::move(s)) {
    thread = std::thread([this] {
      try {
        rc = server->serve("127.0.0.1", 0, 2);
      } catch (const std::exception& e) {
        error = e.what();
      }
    });
    for (int i = 0; i < 10000 && server->port() == 0 && error.empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  void stop_and_join() {
    server->stop();
    thread.join();
  }
  ~Serving() {
    if (thread.joinable()) stop_and_join();
  }
};

}  // namespace

TEST(HttpServer, ServesAndStops) {
  auto server = cyn::make<Server>();
  ASSERT_TRUE(server->route("/", hello));
  ASSERT_TRUE(server->route("/q", query_echo));
  EXPECT_FALSE(server->route("nope", hello));
  Serving s(server);
  ASSERT_NE(server->port(), 0) << s.error;
  std::string r = roundtrip(server->port(), "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(r.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << r;
  EXPECT_NE(r.find("\r\n\r\nHello, World!"), std::string::npos);
  r = roundtrip(server->port(), "GET /q?v=42 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  EXPECT_NE(r.find("\r\n\r\n42"), std::string::npos) << r;
  EXPECT_FALSE(server->route("/late", hello));  // routes are fixed while serving
  s.stop_and_join();
  EXPECT_EQ(s.rc, 0);
  EXPECT_EQ(server->requests_served(), 2u);
  EXPECT_EQ(server->port(), 0);
  EXPECT_EQ(server->open_connections(), 0u);
}

TEST(HttpServer, StopClosesIdleKeepAliveConnections) {
  auto server = cyn::make<Server>();
  server->route("/", hello);
  Serving s(server);
  ASSERT_NE(server->port(), 0) << s.error;
  int fd = connect_to(server->port());
  ASSERT_GE(fd, 0);
  std::string req = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";
  ASSERT_EQ(::send(fd, req.data(), req.size(), MSG_NOSIGNAL), long(req.size()));
  char buf[4096];
  ASSERT_GT(::read(fd, buf, sizeof buf), 0);  // the response; the connection stays open
  s.stop_and_join();                         // returns although the client never closes
  EXPECT_EQ(s.rc, 0);
  EXPECT_EQ(::read(fd, buf, sizeof buf), 0);  // the server closed it
  ::close(fd);
}

TEST(HttpServer, StopBeforeServeReturnsAtOnce) {
  auto server = cyn::make<Server>();
  server->route("/", hello);
  server->stop();
  EXPECT_EQ(server->serve("127.0.0.1", 0, 1), 0);
}

TEST(HttpServer, ListenFailureThrows) {
  auto server = cyn::make<Server>();
  server->route("/", hello);
  try {
    server->serve("256.0.0.1", 0, 1);
    FAIL() << "serve() returned";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("listen on 256.0.0.1"), std::string::npos) << e.what();
  }
  EXPECT_THROW(server->serve("127.0.0.1", 70000, 1), std::invalid_argument);
}

TEST(HttpServer, PortInUseThrows) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  auto server = cyn::make<Server>();
  server->route("/", hello);
  try {
    server->serve("127.0.0.1", ntohs(addr.sin_port), 2);
    FAIL() << "serve() returned";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("Address already in use"), std::string::npos) << e.what();
  }
  ::close(fd);
}

TEST(HttpServer, OneServerPerProcess) {
  auto a = cyn::make<Server>();
  a->route("/", hello);
  Serving s(a);
  ASSERT_NE(a->port(), 0) << s.error;
  auto b = cyn::make<Server>();
  b->route("/", hello);
  EXPECT_THROW(b->serve("127.0.0.1", 0, 1), std::runtime_error);
  s.stop_and_join();
  EXPECT_EQ(s.rc, 0);
}

TEST(HttpServer, LimitSettersIgnoreNonsense) {
  auto server = cyn::make<Server>();
  server->set_max_body_bytes(0);
  server->set_header_timeout(-1);
  server->set_max_header_fields(100000);
  EXPECT_EQ(server->limits().max_body_bytes, Limits().max_body_bytes);
  EXPECT_EQ(server->limits().header_timeout_ns, Limits().header_timeout_ns);
  EXPECT_EQ(server->limits().max_header_fields, kMaxHeaderFields);
  server->set_idle_timeout(1.5);
  EXPECT_EQ(server->limits().idle_timeout_ns, 1'500'000'000);
}
