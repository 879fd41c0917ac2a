// The epoll netpoller and the coroutine-aware socket calls (cyn/netpoll.hpp).
#include "cyn/netpoll.hpp"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

#include "cyn/parker.hpp"
#include "cyn/scheduler.hpp"
#include "cyn/spinlock.hpp"
#include "runtime_internal.hpp"
#include "sanitizer_fiber.hpp"

namespace cyn::detail {
namespace {

// One coroutine waiting for one direction of one fd.
struct IoWaiter {
  Parker parker;
  int result = 0;
  struct PollDesc* desc = nullptr;
  bool write = false;
};

// Per-fd poll state; created on first use of an fd number and reused for every later socket
// with that number (never freed: a late event for a closed fd still finds a valid desc).
struct PollDesc {
  SpinLock lock;
  IoWaiter* reader = nullptr;  // under lock
  IoWaiter* writer = nullptr;
  bool read_ready = false;     // an edge arrived while nobody waited (under lock)
  bool write_ready = false;
  std::atomic<bool> registered{false};

  IoWaiter*& slot(bool write) { return write ? writer : reader; }
  bool& ready(bool write) { return write ? write_ready : read_ready; }
};

constexpr std::size_t kMaxFds = 1u << 20;
constexpr std::uint64_t kInterruptTag = ~std::uint64_t{0};  // epoll data of the eventfd

struct Poller {
  int epfd = -1;
  int evfd = -1;
  std::atomic<long> waiters{0};
  std::atomic<bool> interrupt_pending{false};
  std::atomic<PollDesc*>* table = nullptr;  // kMaxFds entries, zero pages until touched
  std::mutex table_mu;
};

std::atomic<Poller*> g_poller{nullptr};
std::mutex g_poller_start_mu;  // not a once_flag: a forked child starts a poller of its own

Poller* poller() {
  if (Poller* p = g_poller.load(std::memory_order_acquire)) return p;
  std::lock_guard<std::mutex> start(g_poller_start_mu);
  if (g_poller.load(std::memory_order_acquire) == nullptr) {
    auto* p = new Poller();
    p->epfd = epoll_create1(EPOLL_CLOEXEC);
    p->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (p->epfd < 0 || p->evfd < 0) {
      std::perror("cyn: netpoll init");
      std::abort();
    }
    epoll_event ev{};
    ev.events = EPOLLIN;  // level-triggered: stays readable until drained
    ev.data.u64 = kInterruptTag;
    epoll_ctl(p->epfd, EPOLL_CTL_ADD, p->evfd, &ev);
    void* mem = mmap(nullptr, kMaxFds * sizeof(std::atomic<PollDesc*>), PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mem == MAP_FAILED) std::abort();
    p->table = static_cast<std::atomic<PollDesc*>*>(mem);
#ifdef CYN_ASAN
    __lsan_register_root_region(mem, kMaxFds * sizeof(std::atomic<PollDesc*>));
#endif
    g_poller.store(p, std::memory_order_release);
  }
  return g_poller.load(std::memory_order_acquire);
}

PollDesc* find_desc(int fd, bool create) {
  if (fd < 0 || static_cast<std::size_t>(fd) >= kMaxFds) return nullptr;
  Poller* p = poller();
  PollDesc* d = p->table[fd].load(std::memory_order_acquire);
  if (d || !create) return d;
  std::lock_guard<std::mutex> g(p->table_mu);
  d = p->table[fd].load(std::memory_order_relaxed);
  if (!d) {
    d = new PollDesc();
    p->table[fd].store(d, std::memory_order_release);
  }
  return d;
}

int register_fd(int fd, PollDesc* d) {
  if (d->registered.load(std::memory_order_acquire)) return 0;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  // The event carries the fd, not `d`: the poller looks `d` up in the table (an acquire
  // load pairing with find_desc's release store), so the hand-over is visible to the
  // memory model and to TSan, not only through the kernel.
  ev.data.u64 = static_cast<std::uint64_t>(fd);
  if (epoll_ctl(poller()->epfd, EPOLL_CTL_ADD, fd, &ev) != 0 && errno != EEXIST) return -errno;
  d->registered.store(true, std::memory_order_release);
  return 0;
}

void io_timeout(Timer* t) {
  auto* w = static_cast<IoWaiter*>(t->arg);
  PollDesc* d = w->desc;
  d->lock.lock();
  IoWaiter*& slot = d->slot(w->write);
  if (slot == w) {
    slot = nullptr;
    w->result = -ETIMEDOUT;
    d->lock.unlock();
    w->parker.unpark();
    return;
  }
  d->lock.unlock();
}

std::int64_t deadline_after(std::int64_t timeout_ns) {
  return timeout_ns < 0 ? -1 : now_ns() + timeout_ns;
}
std::int64_t remaining(std::int64_t deadline) {
  return deadline < 0 ? -1 : std::max<std::int64_t>(0, deadline - now_ns());
}

void set_nodelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

}  // namespace

// Waits for readiness of one direction of `fd`: 0 (try again), -ETIMEDOUT, -ECANCELED.
int wait_io(int fd, bool write, std::int64_t timeout_ns) {
  if (!in_coroutine()) {
    pollfd pfd{fd, static_cast<short>(write ? POLLOUT : POLLIN), 0};
    int ms = -1;
    if (timeout_ns >= 0) ms = static_cast<int>((timeout_ns + 999999) / 1000000);
    int r = ::poll(&pfd, 1, ms);
    if (r == 0) return -ETIMEDOUT;
    if (r < 0 && errno != EINTR) return -errno;
    return 0;
  }
  PollDesc* d = find_desc(fd, true);
  if (!d) return -EBADF;
  if (int r = register_fd(fd, d)) return r;
  IoWaiter w;
  w.desc = d;
  w.write = write;
  d->lock.lock();
  if (d->ready(write)) {  // an edge came since the caller's EAGAIN: just retry
    d->ready(write) = false;
    d->lock.unlock();
    return 0;
  }
  if (timeout_ns == 0) {
    d->lock.unlock();
    return -ETIMEDOUT;
  }
  if (d->slot(write)) {
    d->lock.unlock();
    return -EBUSY;
  }
  d->slot(write) = &w;
  d->lock.unlock();

  Poller* p = poller();
  p->waiters.fetch_add(1, std::memory_order_seq_cst);
  ensure_poller();
  Timer timer;
  if (timeout_ns > 0) {
    timer.when = now_ns() + timeout_ns;
    timer.fire = &io_timeout;
    timer.arg = &w;
    timer_add(&timer);
  }
  w.parker.park();
  if (timeout_ns > 0) timer_cancel(&timer);
  p->waiters.fetch_sub(1, std::memory_order_seq_cst);
  return w.result;
}

// In a forked child: the parent's epoll set is shared with it (fork copies the descriptor,
// not the kernel object), and its waiters are threads that do not exist here. Drop our
// descriptors of it and start a fresh poller on first use. The old record stays allocated:
// its lock may have been held by a parent thread at the fork.
void netpoll_after_fork_in_child() noexcept {
  Poller* old = g_poller.load(std::memory_order_relaxed);
  new (&g_poller_start_mu) std::mutex();
  g_poller.store(nullptr, std::memory_order_relaxed);
  if (old) {
    ::close(old->epfd);
    ::close(old->evfd);
  }
}

long netpoll_waiters() noexcept {
  Poller* p = g_poller.load(std::memory_order_acquire);
  return p ? p->waiters.load(std::memory_order_seq_cst) : 0;
}

void netpoll_interrupt() noexcept {
  Poller* p = poller();
  if (p->interrupt_pending.exchange(true, std::memory_order_acq_rel)) return;
  std::uint64_t one = 1;
  ssize_t r = ::write(p->evfd, &one, sizeof one);
  (void)r;
}

int netpoll_poll(std::int64_t timeout_ns) {
  Poller* p = poller();
  epoll_event events[128];
  int n;
  if (timeout_ns <= 0) {
    n = epoll_wait(p->epfd, events, 128, timeout_ns < 0 ? -1 : 0);
  } else {
    timespec ts;
    ts.tv_sec = timeout_ns / 1000000000;
    ts.tv_nsec = timeout_ns % 1000000000;
    n = epoll_pwait2(p->epfd, events, 128, &ts, nullptr);
    if (n < 0 && errno == ENOSYS) {
      n = epoll_wait(p->epfd, events, 128, static_cast<int>((timeout_ns + 999999) / 1000000));
    }
  }
  int woke = 0;
  for (int i = 0; i < n; ++i) {
    const std::uint64_t tag = events[i].data.u64;
    if (tag == kInterruptTag) {
      // The interrupt is meant for the worker blocked in epoll: a worker merely looking
      // (timeout 0) leaves the level-triggered eventfd readable for it.
      if (timeout_ns == 0) continue;
      // Clear the flag before draining: an interrupt that comes after the clear writes the
      // eventfd again, so it is never lost (at worst the next wait returns at once).
      p->interrupt_pending.store(false, std::memory_order_seq_cst);
      std::uint64_t v;
      while (::read(p->evfd, &v, sizeof v) > 0) {
      }
      continue;
    }
    PollDesc* d = p->table[tag].load(std::memory_order_acquire);
    if (!d) continue;
    std::uint32_t ev = events[i].events;
    IoWaiter* r = nullptr;
    IoWaiter* w = nullptr;
    d->lock.lock();
    if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
      if (d->reader) {
        r = d->reader;
        d->reader = nullptr;
        r->result = 0;
      } else {
        d->read_ready = true;
      }
    }
    if (ev & (EPOLLOUT | EPOLLHUP | EPOLLERR)) {
      if (d->writer) {
        w = d->writer;
        d->writer = nullptr;
        w->result = 0;
      } else {
        d->write_ready = true;
      }
    }
    d->lock.unlock();
    if (r) {
      r->parker.unpark();
      ++woke;
    }
    if (w) {
      w->parker.unpark();
      ++woke;
    }
  }
  return woke;
}

}  // namespace cyn::detail

namespace cyn::net {

using detail::deadline_after;
using detail::remaining;

int wait_fd(int fd, bool write, std::int64_t timeout_ns) {
  // An fd that is not open is an error at once (the other calls get EBADF from their system
  // call; this one would otherwise wait on it, or find it "ready").
  if (fd < 0 || ::fcntl(fd, F_GETFD) == -1) return -EBADF;
  return detail::wait_io(fd, write, timeout_ns);
}

int listen_tcp(const char* host, int port, int backlog, bool reuse_port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  char service[16];
  std::snprintf(service, sizeof service, "%d", port);
  addrinfo* res = nullptr;
  const char* node = (host && *host) ? host : nullptr;
  if (int rc = getaddrinfo(node, service, &hints, &res)) {
    return rc == EAI_SYSTEM ? -errno : -EADDRNOTAVAIL;
  }
  int err = -EADDRNOTAVAIL;
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      err = -errno;
      continue;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (reuse_port) setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(fd, backlog) != 0) {
      err = -errno;
      ::close(fd);
      continue;
    }
    freeaddrinfo(res);
    return fd;
  }
  freeaddrinfo(res);
  return err;
}

int accept(int listen_fd, std::int64_t timeout_ns) {
  const std::int64_t deadline = deadline_after(timeout_ns);
  for (;;) {
    int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      detail::set_nodelay(fd);
      return fd;
    }
    int e = errno;
    if (e == EINTR || e == ECONNABORTED) continue;
    if (e != EAGAIN && e != EWOULDBLOCK) return -e;
    if (int r = detail::wait_io(listen_fd, false, remaining(deadline))) return r;
  }
}

long read(int fd, void* buf, std::size_t n, std::int64_t timeout_ns) {
  const std::int64_t deadline = deadline_after(timeout_ns);
  for (;;) {
    ssize_t r = ::read(fd, buf, n);
    if (r >= 0) return r;
    int e = errno;
    if (e == EINTR) continue;
    if (e != EAGAIN && e != EWOULDBLOCK) return -e;
    if (int w = detail::wait_io(fd, false, remaining(deadline))) return w;
  }
}

long write_all(int fd, const void* buf, std::size_t n, std::int64_t timeout_ns) {
  const std::int64_t deadline = deadline_after(timeout_ns);
  const char* p = static_cast<const char*>(buf);
  std::size_t left = n;
  bool socket = true;
  while (left > 0) {
    ssize_t r = socket ? ::send(fd, p, left, MSG_NOSIGNAL) : ::write(fd, p, left);
    if (r >= 0) {
      p += r;
      left -= static_cast<std::size_t>(r);
      continue;
    }
    int e = errno;
    if (e == ENOTSOCK && socket) {
      socket = false;
      continue;
    }
    if (e == EINTR) continue;
    if (e != EAGAIN && e != EWOULDBLOCK) return -e;
    if (int w = detail::wait_io(fd, true, remaining(deadline))) return w;
  }
  return static_cast<long>(n);
}

long writev_all(int fd, const struct iovec* iov, int iovcnt, std::int64_t timeout_ns) {
  if (iovcnt < 0 || iovcnt > 1024) return -EINVAL;
  const std::int64_t deadline = deadline_after(timeout_ns);
  iovec local[64];
  std::vector<iovec> heap;
  iovec* v = local;
  if (iovcnt > 64) {
    heap.assign(iov, iov + iovcnt);
    v = heap.data();
  } else {
    std::copy(iov, iov + iovcnt, local);
  }
  long total = 0;
  int first = 0;
  while (first < iovcnt && v[first].iov_len == 0) ++first;
  while (first < iovcnt) {
    msghdr msg{};
    msg.msg_iov = v + first;
    msg.msg_iovlen = static_cast<std::size_t>(iovcnt - first);
    ssize_t r = ::sendmsg(fd, &msg, MSG_NOSIGNAL);
    if (r < 0 && errno == ENOTSOCK) r = ::writev(fd, v + first, iovcnt - first);
    if (r >= 0) {
      total += r;
      std::size_t done = static_cast<std::size_t>(r);
      while (first < iovcnt && done >= v[first].iov_len) {
        done -= v[first].iov_len;
        ++first;
      }
      if (first < iovcnt) {
        v[first].iov_base = static_cast<char*>(v[first].iov_base) + done;
        v[first].iov_len -= done;
      }
      while (first < iovcnt && v[first].iov_len == 0) ++first;
      continue;
    }
    int e = errno;
    if (e == EINTR) continue;
    if (e != EAGAIN && e != EWOULDBLOCK) return -e;
    if (int w = detail::wait_io(fd, true, remaining(deadline))) return w;
  }
  return total;
}

int connect_tcp(const char* host, int port, std::int64_t timeout_ns) {
  const std::int64_t deadline = deadline_after(timeout_ns);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  char service[16];
  std::snprintf(service, sizeof service, "%d", port);
  addrinfo* res = nullptr;
  if (int rc = getaddrinfo(host, service, &hints, &res)) {
    return rc == EAI_SYSTEM ? -errno : -EHOSTUNREACH;
  }
  int err = -ECONNREFUSED;
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      err = -errno;
      continue;
    }
    int r = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (r != 0 && errno == EINPROGRESS) {
      r = detail::wait_io(fd, true, remaining(deadline));
      if (r == 0) {
        int so_error = 0;
        socklen_t len = sizeof so_error;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
        r = so_error ? -so_error : 0;
      }
    } else if (r != 0) {
      r = -errno;
    }
    if (r == 0) {
      detail::set_nodelay(fd);
      freeaddrinfo(res);
      return fd;
    }
    err = r;
    close(fd);
    if (r == -ETIMEDOUT) break;
  }
  freeaddrinfo(res);
  return err;
}

void close(int fd) {
  if (detail::PollDesc* d = detail::find_desc(fd, false)) {
    d->lock.lock();
    detail::IoWaiter* r = d->reader;
    detail::IoWaiter* w = d->writer;
    d->reader = d->writer = nullptr;
    d->read_ready = d->write_ready = false;
    d->registered.store(false, std::memory_order_release);
    if (r) r->result = -ECANCELED;
    if (w) w->result = -ECANCELED;
    d->lock.unlock();
    if (r) r->parker.unpark();
    if (w) w->parker.unpark();
  }
  ::close(fd);
}

int local_port(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return -errno;
  if (addr.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return -EAFNOSUPPORT;
}

}  // namespace cyn::net
