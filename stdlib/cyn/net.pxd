# cyn.net — TCP socket I/O that suspends the coroutine, not the thread (SPEC §3: "blocking
# socket I/O through the runtime ... an epoll netpoller, as Go's").
#
#     from cyn cimport net
#
#     cdef void echo(int fd) noexcept nogil:
#         cdef char buf[4096]
#         cdef long n = net.read(fd, buf, sizeof(buf), -1)     # parks this coroutine only
#         while n > 0:
#             if net.write_all(fd, buf, n, -1) < 0:
#                 break
#             n = net.read(fd, buf, sizeof(buf), -1)
#         net.close(fd)
#
# Every call returns a result >= 0 or -errno (libc.errno: ETIMEDOUT on timeout, ECANCELED when
# another coroutine closed the fd meanwhile, EBUSY when a second coroutine waits on the same
# direction of one fd). Timeouts are in nanoseconds; a negative one means none. Use these calls
# only on sockets they made (listen_tcp, accept, connect_tcp), and close them with net.close so
# that waiters wake. Outside a coroutine the calls block the thread. See docs/coroutines.md and
# runtime/include/cyn/netpoll.hpp.

cdef extern from "cyn/netpoll.hpp" namespace "cyn::net" nogil:
    # A listening socket on host:port (b"" for any address, port 0 for an ephemeral one).
    int listen_tcp(const char* host, int port, int backlog, bint reuse_port)
    # A connected client socket, or -errno.
    int accept(int listen_fd, long long timeout_ns)
    # Up to n bytes: > 0 read, 0 at the end of the stream, or -errno.
    long read(int fd, void* buf, size_t n, long long timeout_ns)
    # All n bytes (returns n), or -errno.
    long write_all(int fd, const void* buf, size_t n, long long timeout_ns)
    # A socket connected to host:port, or -errno.
    int connect_tcp(const char* host, int port, long long timeout_ns)
    # Wakes the fd's waiters (ECANCELED) and closes it.
    void close(int fd)
    # The port a socket is bound to (after listen_tcp(host, 0, ...)), or -errno.
    int local_port(int fd)
    # 0 once fd is readable (write False) or writable (write True), or -errno.
    int wait_fd(int fd, bint write, long long timeout_ns)
