"""The Cython examples of SPEC §4 (examples/hello.pyx, examples/fib.pyx), built through the
fork exactly as a user builds them and run exactly as SPEC says: `import hello;
hello.run(port=...)` serves until SIGINT/SIGTERM, then run() returns."""

import os
import signal

import pytest

from httpkit import ROOT, CythonServer, exchange


@pytest.fixture
def py_server():
    servers = []

    def make(module, threads=2):
        s = CythonServer(os.path.join(ROOT, "examples", module + ".pyx"), threads=threads)
        servers.append(s)
        return s

    yield make
    for s in servers:
        s.kill()


def test_hello_example(py_server):
    server = py_server("hello")
    [(status, headers, body)], _ = exchange(server, b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    assert (status, body, headers["content-type"]) == (200, b"Hello, World!", "text/plain")
    rc, out, _ = server.finish(signal.SIGINT)
    assert rc == 0 and b"run returned" in out


def test_fib_example(py_server):
    server = py_server("fib")
    reqs = b"".join(b"GET /fib?n=%d HTTP/1.1\r\nHost: t\r\n\r\n" % n for n in (0, 1, 10, 25))
    responses, _ = exchange(server, reqs + b"GET /fib?n=-1 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    assert [(s, b) for s, _, b in responses[:4]] == [(200, b"0"), (200, b"1"), (200, b"55"), (200, b"75025")]
    assert responses[4][0] == 400
    bad = [b"abc", b"", b"1e3", b"99999999999999999999999", b"51"]
    reqs = b"".join(b"GET /fib?n=%s HTTP/1.1\r\nHost: t\r\n\r\n" % n for n in bad)
    responses, _ = exchange(server, reqs + b"GET /fib HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    assert [s for s, _, _ in responses[:5]] == [400] * 5      # not an integer in 0..50
    assert responses[5][:1] == (200,) and responses[5][2] == b"832040"   # no n: fib(30)
    [(status, _, _)], _ = exchange(server, b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    assert status == 404  # only /fib is routed
    rc, out, _ = server.finish(signal.SIGTERM)
    assert rc == 0 and b"run returned" in out
