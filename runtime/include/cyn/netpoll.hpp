// cyn/netpoll.hpp — socket I/O that suspends the coroutine, not the thread (Go's netpoller).
//
// Sockets are non-blocking and registered once, edge-triggered, in one epoll set. A call
// first tries the system call; on EAGAIN the coroutine parks on the fd's read or write side
// and the scheduler runs others. Idle workers wait in that epoll set (no extra poller
// thread): an event wakes the coroutine onto the worker that saw it. Outside a coroutine the
// same calls block the thread (with poll()).
//
//   int lfd = cyn::net::listen_tcp("127.0.0.1", 8080, 1024, false);
//   int cfd = cyn::net::accept(lfd, -1);                // suspends until a client comes
//   char buf[4096];
//   long n = cyn::net::read(cfd, buf, sizeof buf, 5'000'000'000);   // 5 s timeout
//   if (n > 0) cyn::net::write_all(cfd, buf, n, -1);
//   cyn::net::close(cfd);
//
// Contract: timeout_ns < 0 means no timeout. Errors are returned as -errno (-ETIMEDOUT on
// timeout, -ECANCELED when another coroutine closed the fd with cyn::net::close while this
// one waited). At most one coroutine may wait on each direction of an fd at a time (-EBUSY
// otherwise). Close fds used here with cyn::net::close, not ::close, so waiters are woken
// and the fd's poll state is reset for the next socket with that number. SIGPIPE never
// fires: writes use MSG_NOSIGNAL.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>

namespace cyn::net {

// A non-blocking listening TCP socket bound to host:port (host nullptr or "" = any
// address; port 0 = an ephemeral port, see local_port()). SO_REUSEADDR always,
// SO_REUSEPORT when asked. Returns the fd or -errno.
int listen_tcp(const char* host, int port, int backlog, bool reuse_port);
// Waits for a connection; returns a non-blocking client fd with TCP_NODELAY, or -errno.
int accept(int listen_fd, std::int64_t timeout_ns);
// Reads up to n bytes: >0 bytes read, 0 at end of stream, or -errno.
long read(int fd, void* buf, std::size_t n, std::int64_t timeout_ns);
// Writes all n bytes (returns n) or fails with -errno; the timeout covers the whole call.
long write_all(int fd, const void* buf, std::size_t n, std::int64_t timeout_ns);
long writev_all(int fd, const struct iovec* iov, int iovcnt, std::int64_t timeout_ns);
// Connects to host:port; returns a non-blocking fd with TCP_NODELAY, or -errno.
int connect_tcp(const char* host, int port, std::int64_t timeout_ns);
// Wakes this fd's waiters with -ECANCELED and closes it.
void close(int fd);

// The port a socket is bound to (for listen_tcp(..., 0, ...)), or -errno.
int local_port(int fd);
// Waits until fd is readable (write=false) or writable (write=true): 0, or -errno. For
// callers that do their own non-blocking system calls on a socket (e.g. recvmsg).
int wait_fd(int fd, bool write, std::int64_t timeout_ns);

}  // namespace cyn::net
