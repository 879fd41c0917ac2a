// The HTTP server: listening, accept loops, connection coroutines, signals and draining.
// See cyn/http/server.hpp.
#include "cyn/http/server.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>

#if __has_include("cyn/netpoll.hpp")
#include "cyn/coro.hpp"
#include "cyn/netpoll.hpp"
#define CYN_HTTP_HAVE_NETPOLL 1
#else
#define CYN_HTTP_HAVE_NETPOLL 0
#endif

namespace cyn::http {
namespace {

// How often a blocked accept re-checks the stop flag when shutdown() did not wake it.
constexpr std::int64_t kAcceptPollNs = 250'000'000;

// A connection over max_connections gets a 503 and at most this long before it is closed.
constexpr std::int64_t kRejectLingerNs = 500'000'000;

// Timeouts are kept in nanoseconds (int64): longer ones than this are clamped, not wrapped.
constexpr double kMaxTimeoutSeconds = 1e9;

std::int64_t timeout_ns(double seconds) {
  return std::int64_t((seconds < kMaxTimeoutSeconds ? seconds : kMaxTimeoutSeconds) * 1e9);
}

// The write end of the self-pipe of the server that is serving (one per process), read by
// the signal handler: an atomic int is async-signal-safe to load.
std::atomic<int> g_signal_wake_fd{-1};
std::atomic<bool> g_process_serving{false};

void on_stop_signal(int) {
  int saved_errno = errno;
  int fd = g_signal_wake_fd.load(std::memory_order_relaxed);
  if (fd >= 0) {
    char c = 's';
    (void)!::write(fd, &c, 1);
  }
  errno = saved_errno;
}

// Process-wide signal dispositions while serving, restored afterwards.
struct SignalGuard {
  struct sigaction old_int {}, old_term {}, old_pipe {};
  explicit SignalGuard(int wake_fd) {
    g_signal_wake_fd.store(wake_fd);
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    struct sigaction ign {};
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &old_pipe);
  }
  ~SignalGuard() {
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGTERM, &old_term, nullptr);
    sigaction(SIGPIPE, &old_pipe, nullptr);
    g_signal_wake_fd.store(-1);
  }
};

// SO_REUSEPORT lets any process of the same user bind a port that is already being served,
// and the kernel would then split the connections between the two servers. A port in use
// must fail like it does without SO_REUSEPORT, so probe it first with a plain bind (with
// SO_REUSEADDR, so connections of an earlier server in TIME_WAIT do not count). Returns 0 or
// -errno.
int probe_port_free(const char* host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  std::string service = std::to_string(port);
  addrinfo* res = nullptr;
  if (getaddrinfo(host && *host ? host : nullptr, service.c_str(), &hints, &res) != 0) return 0;  // listen reports it
  int rc = 0;
  int fd = ::socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd >= 0) {
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, res->ai_addr, res->ai_addrlen) != 0 && errno == EADDRINUSE) rc = -EADDRINUSE;
    ::close(fd);
  }
  freeaddrinfo(res);
  return rc;
}

#if CYN_HTTP_HAVE_NETPOLL
const ConnectionIo kNetIo{&cyn::net::read, &cyn::net::write_all, &cyn::net::writev_all};
#endif

}  // namespace

Server::Server() { config_ = ConnectionConfig{&limits_, &router_, &stopping_}; }

Server::~Server() = default;

bool Server::route(const char* prefix, Handler handler) {
  if (prefix == nullptr || serving_.load()) return false;
  return router_.add(prefix, handler);
}

void Server::set_max_header_bytes(long long n) {
  if (n > 0) limits_.max_header_bytes = std::size_t(n);
}
void Server::set_max_uri_bytes(long long n) {
  if (n > 0) limits_.max_uri_bytes = std::size_t(n);
}
void Server::set_max_body_bytes(long long n) {
  if (n > 0) limits_.max_body_bytes = std::size_t(n);
}
void Server::set_max_header_fields(long long n) {
  if (n > 0) limits_.max_header_fields = std::size_t(n) < kMaxHeaderFields ? std::size_t(n) : kMaxHeaderFields;
}
void Server::set_max_connections(long long n) {
  if (n > 0) limits_.max_connections = std::size_t(n);
}
// `seconds > 0` is false for NaN too: ignored like a negative value.
void Server::set_header_timeout(double seconds) {
  if (seconds > 0) limits_.header_timeout_ns = timeout_ns(seconds);
}
void Server::set_body_timeout(double seconds) {
  if (seconds > 0) limits_.body_timeout_ns = timeout_ns(seconds);
}
void Server::set_idle_timeout(double seconds) {
  if (seconds > 0) limits_.idle_timeout_ns = timeout_ns(seconds);
}

void Server::stop() noexcept {
  stop_requested_.store(true);
  int fd = wake_write_.load();
  if (fd >= 0) {
    char c = 'x';
    (void)!::write(fd, &c, 1);
  }
}

void Server::begin_stop() {
  stopping_.store(true, std::memory_order_seq_cst);
  // Wakes accept() at once (Linux: accept on a shut-down listener fails with EINVAL).
  for (int i = 0; i < listen_count_; ++i) ::shutdown(listen_fds_[i], SHUT_RDWR);
  // Idle keep-alive connections would otherwise wait out their idle timeout.
  std::lock_guard<std::mutex> lock(registry_mu_);
  for (ConnectionControl* c = registry_; c != nullptr; c = c->next) {
    int idle = ConnectionControl::kIdle;
    if (c->phase.compare_exchange_strong(idle, ConnectionControl::kClosing)) ::shutdown(c->fd, SHUT_RD);
  }
}

#if CYN_HTTP_HAVE_NETPOLL

void Server::connection_main(Server* self, int fd) {
  ConnectionControl control;
  control.fd = fd;
  {
    std::lock_guard<std::mutex> lock(self->registry_mu_);
    control.next = self->registry_;
    if (self->registry_ != nullptr) self->registry_->prev = &control;
    self->registry_ = &control;
  }
  std::uint64_t served = serve_connection(fd, self->config_, kNetIo, &control);
  {
    // Unlinked before the fd closes: begin_stop() never shuts down a recycled descriptor.
    std::lock_guard<std::mutex> lock(self->registry_mu_);
    if (control.prev != nullptr) control.prev->next = control.next;
    else self->registry_ = control.next;
    if (control.next != nullptr) control.next->prev = control.prev;
  }
  cyn::net::close(fd);
  self->served_.fetch_add(served, std::memory_order_relaxed);
  self->live_.fetch_sub(1, std::memory_order_acq_rel);
}

void Server::reject_main(Server* self, int fd) {
  {
    ByteBuffer out;  // the same error response as the connections' (Date included)
    append_error_response(out, 503);
    cyn::net::write_all(fd, out.data(), out.size(), kRejectLingerNs);
  }
  // Lingering close (see connection.cpp): read the request the client already sent, so
  // closing does not reset the connection under the 503.
  ::shutdown(fd, SHUT_WR);
  char sink[4096];
  std::int64_t deadline = cyn::detail::now_ns() + kRejectLingerNs;
  for (std::size_t total = 0; total < 65536;) {
    std::int64_t left = deadline - cyn::detail::now_ns();
    if (left <= 0) break;
    long n = cyn::net::read(fd, sink, sizeof sink, left);
    if (n <= 0) break;
    total += std::size_t(n);
  }
  cyn::net::close(fd);
  self->live_.fetch_sub(1, std::memory_order_acq_rel);
}

void Server::accept_loop(Server* self, int listen_fd) {
  while (!self->stopping_.load(std::memory_order_acquire)) {
    int fd = cyn::net::accept(listen_fd, kAcceptPollNs);
    if (fd < 0) {
      if (fd == -EMFILE || fd == -ENFILE || fd == -ENOBUFS || fd == -ENOMEM) cyn::sleep(0.01);
      continue;  // timeout, aborted handshake, or the stop (checked above)
    }
    if (self->stopping_.load(std::memory_order_acquire)) {
      cyn::net::close(fd);
      break;
    }
    bool over = self->live_.load(std::memory_order_relaxed) >= self->limits_.max_connections;
    self->live_.fetch_add(1, std::memory_order_acq_rel);  // counted while its coroutine runs
    if (over) cyn::spawn(&Server::reject_main, self, fd);
    else cyn::spawn(&Server::connection_main, self, fd);
  }
  self->accept_loops_.fetch_sub(1, std::memory_order_acq_rel);
}

void Server::serve_main(Server* self) {
  self->accept_loops_.store(self->listen_count_);
  for (int i = 0; i < self->listen_count_; ++i) cyn::spawn(&Server::accept_loop, self, self->listen_fds_[i]);
  char buf[64];
  for (;;) {
    long n = cyn::net::read(self->wake_read_, buf, sizeof buf, -1);
    if (n == -EINTR || n == -EAGAIN) continue;
    break;  // a signal, stop(), or a broken pipe: stop either way
  }
  self->begin_stop();
  // Drain: accept loops leave at once; connections finish their in-flight request.
  while (self->accept_loops_.load(std::memory_order_acquire) > 0 ||
         self->live_.load(std::memory_order_acquire) > 0) {
    cyn::sleep(0.005);
  }
}

int Server::serve(const char* host, int port, int threads) {
  if (host == nullptr) host = "127.0.0.1";
  if (port < 0 || port > 65535) throw std::invalid_argument("port out of range");
  if (g_process_serving.exchange(true)) throw std::runtime_error("a cyn HTTP server is already serving in this process");
  serving_.store(true);
  auto cleanup = [this] {
    for (int i = 0; i < listen_count_; ++i) cyn::net::close(listen_fds_[i]);
    listen_count_ = 0;
    int w = wake_write_.exchange(-1);
    if (w >= 0) ::close(w);
    if (wake_read_ >= 0) cyn::net::close(wake_read_);
    wake_read_ = -1;
    bound_port_.store(0);
    stopping_.store(false);
    stop_requested_.store(false);
    serving_.store(false);
    g_process_serving.store(false);
  };

  if (threads <= 0) threads = int(std::thread::hardware_concurrency());
  if (threads <= 0) threads = 1;
  cyn::configure(threads);  // false when the scheduler already runs: it keeps its workers
  int listeners = threads < int(sizeof listen_fds_ / sizeof listen_fds_[0]) ? threads : int(sizeof listen_fds_ / sizeof listen_fds_[0]);

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_NONBLOCK | O_CLOEXEC) != 0) {
    cleanup();
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
  wake_read_ = pipe_fds[0];
  wake_write_.store(pipe_fds[1]);

  if (port != 0) {
    if (int rc = probe_port_free(host, port)) {
      std::string msg = std::string("listen on ") + host + ":" + std::to_string(port) + ": " + std::strerror(-rc);
      cleanup();
      throw std::runtime_error(msg);
    }
  }
  for (int i = 0; i < listeners; ++i) {
    int fd = cyn::net::listen_tcp(host, port, 4096, /*reuse_port=*/true);
    if (fd < 0) {
      std::string msg = std::string("listen on ") + host + ":" + std::to_string(port) + ": " + std::strerror(-fd);
      cleanup();
      throw std::runtime_error(msg);
    }
    listen_fds_[listen_count_++] = fd;
    if (port == 0) {
      sockaddr_storage addr{};
      socklen_t len = sizeof addr;
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
      port = ntohs(addr.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port
                                               : reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
    }
  }
  bound_port_.store(port, std::memory_order_release);

  {
    SignalGuard signals(wake_write_.load());
    if (stop_requested_.load()) stop();
    try {
      cyn::run(&Server::serve_main, this);
    } catch (...) {
      cleanup();
      throw;
    }
  }
  cleanup();
  return 0;
}

#else  // no netpoller yet: the server cannot run, everything else builds

void Server::connection_main(Server*, int) {}
void Server::reject_main(Server*, int) {}
void Server::accept_loop(Server*, int) {}
void Server::serve_main(Server*) {}
int Server::serve(const char*, int, int) {
  throw std::runtime_error("cyn was built without its netpoller (cyn/netpoll.hpp)");
}

#endif

}  // namespace cyn::http
