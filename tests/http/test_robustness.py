"""Robustness and RFC 9112/9110 edges of the HTTP server, over real sockets: clients that
half-close, read slowly or trickle their bodies, framing that request smuggling relies on
(a Content-Length without a value, whitespace in a chunk-size line), target forms (fragments,
CONNECT's authority-form), Host values, statuses a handler should not send (205 with content,
codes above 599), the 503 of a full server, and limits set from C with negative values.

The C++ demo server (`server`, `make_server`) and the Cython handler app (handler_app.pyx)
both serve; every server listens on 127.0.0.1 and stops at the end of its test."""

import socket
import time

import pytest

from httpkit import HANDLER_APP as APP, CythonServer, exchange, recv_until_close


def status_of(server, raw):
    with server.connect() as s:
        s.sendall(raw)
        data = recv_until_close(s)
    return int(data.split(b" ", 2)[1]), data


# -- clients that half-close ------------------------------------------------------------------

def connect_then_send_and_shut(server, raw):
    """Sends `raw` and the FIN together, once the server already waits on the connection (so
    the data and the FIN reach it in one readiness event); returns everything until EOF."""
    s = server.connect()
    time.sleep(0.02)
    s.sendall(raw)
    s.shutdown(socket.SHUT_WR)
    try:
        return recv_until_close(s)  # the socket timeout fails the test if the server never closes
    finally:
        s.close()


def test_request_then_fin_gets_answer_and_close(make_server):
    # The idle timeout is long: a lost end of stream would leave the connection open past the
    # socket timeout of the test.
    server = make_server("--idle-timeout", "60", "--header-timeout", "60")
    for _ in range(20):
        data = connect_then_send_and_shut(server, b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        assert data.startswith(b"HTTP/1.1 200 OK\r\n") and data.endswith(b"Hello, World!"), data


def test_partial_head_then_fin_is_closed(make_server):
    server = make_server("--idle-timeout", "60", "--header-timeout", "60")
    for _ in range(20):
        assert connect_then_send_and_shut(server, b"GET / HTTP/1.1\r\nHost: t\r\n") == b""


def test_partial_body_then_fin_is_closed(make_server):
    server = make_server("--idle-timeout", "60", "--header-timeout", "60", "--body-timeout", "60")
    for _ in range(10):
        raw = b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc"
        assert connect_then_send_and_shut(server, raw) == b""


# -- slow readers, trickled bodies ------------------------------------------------------------

def test_slow_reader_gets_a_body_that_takes_longer_than_the_idle_timeout():
    # 2 MiB through a 16 KiB receive window at about 640 KB/s: the transfer takes longer than
    # the idle timeout (2 s), while every part of it makes progress well within it.
    app = CythonServer(APP, limits={"idle_timeout": 2.0})
    try:
        n = 2 * 1024 * 1024
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
        s.settimeout(10)
        s.connect(("127.0.0.1", app.port))
        s.sendall(b"GET /big?n=%d HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" % n)
        data = b""
        started = time.monotonic()
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            time.sleep(0.1 * len(chunk) / 65536)
        s.close()
        assert time.monotonic() - started > 2.0  # the test's premise: longer than the timeout
        head, _, body = data.partition(b"\r\n\r\n")
        assert b"Content-Length: %d\r\n" % n in head
        assert len(body) == n
        assert body == (b"abcdefghijklmnopqrstuvwxyz" * (n // 26 + 1))[:n]
    finally:
        app.stop()


def test_chunked_body_of_one_byte_chunks_sent_piece_by_piece(server):
    chunks = [b"%x\r\n%s\r\n" % (1, bytes([97 + i % 26])) for i in range(3000)]
    with server.connect() as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.sendall(b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
        for i in range(0, len(chunks), 100):
            s.sendall(b"".join(chunks[i:i + 100]))
        s.sendall(b"0\r\nX-Trailer: 1\r\n\r\n")
        data = recv_until_close(s)
    [(status, _, body)], _ = exchange_result(data)
    assert status == 200
    assert body == bytes(97 + i % 26 for i in range(3000))


def exchange_result(data):
    from httpkit import parse_responses
    return parse_responses(data), data


def test_chunked_body_split_at_every_byte_then_pipelined_request(server):
    body = b"4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nT: x\r\n\r\n"
    raw = (b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + body +
           b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    with server.connect() as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for i in range(len(raw)):
            s.sendall(raw[i:i + 1])
            if i % 7 == 0:
                time.sleep(0.001)
        data = recv_until_close(s)
    responses = exchange_result(data)[0]
    assert [(st, b) for st, _, b in responses] == [(200, b"Wikipedia"), (200, b"Hello, World!")]


# -- framing and request smuggling ------------------------------------------------------------

@pytest.mark.parametrize("value", [b"", b",", b" , ,", b"5 5", b"5,6"])
def test_content_length_without_a_single_value_is_400(server, value):
    # `Content-Length: ,` used to count as no Content-Length: the body became the next request.
    raw = (b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: " + value + b"\r\n\r\n"
           b"GET /smuggled HTTP/1.1\r\nHost: t\r\n\r\n")
    status, data = status_of(server, raw)
    assert status == 400, data
    assert data.count(b"HTTP/1.1 ") == 1


@pytest.mark.parametrize("line,expected", [
    (b"3 ", 400),       # whitespace not followed by an extension
    (b"3\t", 400),
    (b"3 ;a=b", 200),   # BWS before ';' is allowed
    (b"3;a=b ", 200),
])
def test_chunk_size_line_whitespace(server, line, expected):
    raw = (b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
           line + b"\r\nabc\r\n0\r\n\r\n")
    status, data = status_of(server, raw)
    assert status == expected, data
    if expected == 200:
        assert data.endswith(b"\r\n\r\nabc")


def test_many_empty_trailer_fields_are_431(make_server):
    server = make_server("--max-header", "1024")
    raw = (b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n" +
           b"a:\r\n" * 400 + b"\r\n")
    assert status_of(server, raw)[0] == 431


# -- request targets and Host -----------------------------------------------------------------

@pytest.mark.parametrize("target,seen", [
    (b"/target?a=1#frag", b"/target|a=1"),
    (b"/target#frag?not=query", b"/target|"),
    (b"/target/x#", b"/target/x|"),
    (b"http://h/target?b=2#f", b"/target|b=2"),
])
def test_fragment_is_not_part_of_path_or_query(app, target, seen):
    [(status, _, body)], _ = exchange(app, b"GET " + target + b" HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    assert (status, body) == (200, seen)


def test_target_that_is_only_a_fragment_is_400(server):
    assert status_of(server, b"GET #x HTTP/1.1\r\nHost: t\r\n\r\n")[0] == 400


@pytest.mark.parametrize("raw", [
    b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
    b"TRACE * HTTP/1.1\r\nHost: t\r\n\r\n",
    b"PROPFIND x HTTP/1.1\r\nHost: t\r\n\r\n",
])
def test_unknown_method_is_501_whatever_the_target(server, raw):
    assert status_of(server, raw)[0] == 501


@pytest.mark.parametrize("host", [b"a b", b"a/b", b"u@h", b"h?x", b"h#x", b'"h"', b"h\\x", b"caf\xc3\xa9"])
def test_invalid_host_is_400(server, host):
    assert status_of(server, b"GET / HTTP/1.1\r\nHost: " + host + b"\r\n\r\n")[0] == 400


@pytest.mark.parametrize("host", [b"", b"example.com", b"h:8080", b"127.0.0.1:80", b"[::1]:8080", b"xn--caf-dma.example"])
def test_valid_host_is_served(server, host):
    raw = b"GET / HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n"
    assert status_of(server, raw)[0] == 200


# -- statuses from handlers -------------------------------------------------------------------

@pytest.mark.parametrize("code", [600, 999, -1, 0x7fffffff])
def test_status_outside_200_599_is_500(app, code):
    raw = b"GET /status?s=%d HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" % code
    [(status, _, body)], data = exchange(app, raw)
    assert (status, body) == (500, b"Internal Server Error\n"), data


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_205_has_no_content(app, method):
    raw = (method.encode() + b" /status?s=205 HTTP/1.1\r\nHost: t\r\n\r\n"
           b"GET /status?s=201 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    responses, data = exchange(app, raw, methods=[method, "GET"])
    assert [(st, h.get("content-length"), b) for st, h, b in responses] == [(205, "0", b""), (201, "4", b"body")], data


# -- the server's own answers and its limits --------------------------------------------------

def test_503_of_a_full_server_has_date_and_server(make_server):
    server = make_server("--max-connections", "1")
    with server.connect() as first:
        first.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        assert first.recv(4096).startswith(b"HTTP/1.1 200 OK")
        status, data = status_of(server, b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
    assert status == 503
    head = data.split(b"\r\n\r\n")[0]
    assert b"\r\nDate: " in head and b"\r\nServer: cyn" in head and b"\r\nConnection: close" in head


def test_negative_limits_from_c_are_ignored():
    # A negative count passed from C code is ignored (the defaults stay), not read as a huge
    # unsigned number that would lift the limit.
    app = CythonServer(APP, limits={"max_body": -1, "max_header": -1, "max_uri": -5, "max_fields": -1,
                                    "max_connections": -1, "idle_timeout": -1.0})
    try:
        status, _ = status_of(app, b"POST /q HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n\r\n" % (1024 * 1024 + 1))
        assert status == 413
        status, _ = status_of(app, b"GET /" + b"a" * 8192 + b" HTTP/1.1\r\nHost: t\r\n\r\n")
        assert status == 414
        status, _ = status_of(app, b"GET /q HTTP/1.1\r\nHost: t\r\nX: " + b"a" * 16384 + b"\r\n\r\n")
        assert status == 431
    finally:
        app.stop()


def test_huge_timeouts_do_not_wrap(make_server):
    # 1e12 s does not fit in int64 nanoseconds: clamped to "practically never", not wrapped
    # to a negative deadline that times out every request at once.
    server = make_server("--header-timeout", "1e12", "--idle-timeout", "1e300", "--body-timeout", "inf")
    with server.connect() as s:
        s.sendall(b"POST /echo HTTP/1.1\r\nHost: t\r\n")
        time.sleep(0.1)
        s.sendall(b"Content-Length: 3\r\n\r\n")
        time.sleep(0.1)
        s.sendall(b"abc")
        data = s.recv(4096)
    assert data.startswith(b"HTTP/1.1 200 OK") and data.endswith(b"abc"), data
