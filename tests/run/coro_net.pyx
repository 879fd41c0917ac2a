# distutils: language = c++
"""Socket I/O through the runtime (`from cyn cimport net`, SPEC section 3): a blocked read or
accept suspends its coroutine, not its thread."""
from cyn cimport net
from cyn.coro cimport run, spawn, WaitGroup

cdef enum:
    CLIENTS = 64            # more connections blocked at once than there are worker threads
cdef long long TIMEOUT = 10000000000   # 10 s: a thread blocked by a read would starve the rest

cdef long echoed[CLIENTS]
cdef long errors = 0


cdef void serve_one(int fd, WaitGroup wg) noexcept nogil:
    cdef char buf[64]
    cdef long n = net.read(fd, buf, sizeof(buf), TIMEOUT)
    while n > 0:
        if net.write_all(fd, buf, n, TIMEOUT) < 0:
            break
        n = net.read(fd, buf, sizeof(buf), TIMEOUT)
    net.close(fd)
    wg.done()


cdef void acceptor(int listen_fd, WaitGroup served) noexcept nogil:
    global errors
    cdef int fd
    for i in range(CLIENTS):
        fd = net.accept(listen_fd, TIMEOUT)
        if fd < 0:
            errors += 1
            served.done()
            continue
        spawn(serve_one, fd, served)


cdef void client(int port, long k, WaitGroup connected, WaitGroup done) noexcept nogil:
    global errors
    cdef char out[8]
    cdef char back[8]
    cdef int fd = net.connect_tcp(b"127.0.0.1", port, TIMEOUT)
    connected.done()
    if fd < 0:
        errors += 1
        done.done()
        return
    connected.wait()          # every client connected: every server coroutine is in read()
    for i in range(8):
        out[i] = <char>(k + i)
    if net.write_all(fd, out, 8, TIMEOUT) != 8 or net.read(fd, back, 8, TIMEOUT) != 8:
        errors += 1
    else:
        echoed[k] = back[0] + back[7]
    net.close(fd)
    done.done()


cdef void echo_session() noexcept nogil:
    global errors
    cdef int listen_fd = net.listen_tcp(b"127.0.0.1", 0, 128, False)
    if listen_fd < 0:
        errors += 1
        return
    cdef int port = net.local_port(listen_fd)
    served = WaitGroup()
    connected = WaitGroup()
    done = WaitGroup()
    served.add(CLIENTS)
    connected.add(CLIENTS)
    done.add(CLIENTS)
    spawn(acceptor, listen_fd, served)
    for k in range(CLIENTS):
        spawn(client, port, k, connected, done)
    done.wait()
    served.wait()
    net.close(listen_fd)


def test_echo_with_every_connection_blocked_at_once():
    global errors
    errors = 0
    for k in range(CLIENTS):
        echoed[k] = -1
    with nogil:
        run(echo_session)
    assert errors == 0
    assert [echoed[k] for k in range(CLIENTS)] == [2 * k + 7 for k in range(CLIENTS)]


cdef int refused_port() noexcept nogil:
    cdef int listen_fd = net.listen_tcp(b"127.0.0.1", 0, 1, False)
    cdef int port = net.local_port(listen_fd)
    net.close(listen_fd)                    # nobody listens there any more
    return net.connect_tcp(b"127.0.0.1", port, TIMEOUT)


def test_errors_are_negative_errno():
    import errno
    assert refused_port() == -errno.ECONNREFUSED
