"""The server under load and at shutdown: 1,000 concurrent keep-alive connections, and the
SIGTERM/SIGINT drain (stop accepting, finish in-flight requests, exit 0)."""

import asyncio
import signal
import socket
import subprocess
import time

import pytest

from httpkit import IO_TIMEOUT, binary, parse_responses, raise_fd_limit, read_one_response, recv_until_close, wait_for

GET = b"GET / HTTP/1.1\r\nHost: t\r\n\r\n"


def test_1000_concurrent_keep_alive_connections(make_server):
    if raise_fd_limit() < 2200:
        pytest.fail("RLIMIT_NOFILE is too low for 1,000 connections (needs about 2,200)")
    server = make_server()
    n_conns, rounds = 1000, 3

    async def client(i, results, connected, all_connected):
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        connected.append(i)
        if len(connected) == n_conns:
            all_connected.set()
        await all_connected.wait()  # all 1,000 connections are open before any request
        try:
            for r in range(rounds):
                writer.write(f"GET /fib?n={i % 20} HTTP/1.1\r\nHost: t\r\n\r\n".encode())
                await writer.drain()
                head = await reader.readuntil(b"\r\n\r\n")
                assert head.startswith(b"HTTP/1.1 200 OK\r\n"), head
                length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
                body = await reader.readexactly(length)
                results.append(int(body))
        finally:
            writer.close()

    async def main():
        results, connected, all_connected = [], [], asyncio.Event()
        await asyncio.wait_for(
            asyncio.gather(*(client(i, results, connected, all_connected) for i in range(n_conns))), 60)
        return results

    results = asyncio.run(main())
    assert len(results) == n_conns * rounds
    fib = [0, 1]
    while len(fib) < 20:
        fib.append(fib[-1] + fib[-2])
    assert sorted(results) == sorted(fib[i % 20] for i in range(n_conns) for _ in range(rounds))
    # The server is still healthy afterwards.
    with server.connect() as s:
        s.sendall(GET)
        assert read_one_response(s)[0] == 200


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_drains_in_flight_request_then_exits_0(make_server, sig):
    server = make_server()
    idle = server.connect()
    idle.sendall(GET)
    read_one_response(idle)  # a keep-alive connection, now idle
    busy = server.connect()
    busy.sendall(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nhello")  # half a body
    time.sleep(0.5)  # let the server accept the connection and read the half request
    server.signal(sig)
    # The idle connection is closed promptly, without a response.
    assert recv_until_close(idle) == b""
    idle.close()
    # New connections are refused once the listener is closed.
    def refused():
        try:
            socket.create_connection(("127.0.0.1", server.port), timeout=1).close()
            return False
        except OSError:
            return True
    assert wait_for(refused)
    # The in-flight request is still answered, with Connection: close.
    busy.sendall(b"world")
    [(status, headers, body)] = parse_responses(recv_until_close(busy))
    busy.close()
    assert (status, body) == (200, b"helloworld")
    assert headers["connection"] == "close"
    assert server.wait() == 0
    assert b"stopped after" in server.proc.stderr.read()


def test_sigterm_with_no_connections_exits_0_quickly(make_server):
    server = make_server()
    start = time.monotonic()
    server.signal(signal.SIGTERM)
    assert server.wait() == 0
    assert time.monotonic() - start < IO_TIMEOUT


def test_listen_failure_is_reported():
    proc = subprocess.run([binary("http_hello"), "--host", "256.1.1.1", "--port", "0"],
                          capture_output=True, timeout=IO_TIMEOUT)
    assert proc.returncode == 1
    assert b"http_hello: listen on 256.1.1.1" in proc.stderr


def test_port_in_use_is_refused(make_server):
    # SO_REUSEPORT would let a second server share the port silently; it must fail instead.
    server = make_server()
    proc = subprocess.run([binary("http_hello"), "--host", "127.0.0.1", "--port", str(server.port)],
                          capture_output=True, timeout=IO_TIMEOUT)
    assert proc.returncode == 1
    assert b"Address already in use" in proc.stderr
