"""The Cython examples of SPEC §4 (examples/hello.pyx, examples/fib.pyx), built through the
fork exactly as a user builds them and run exactly as SPEC says: `import hello;
hello.run(port=...)` serves until SIGINT/SIGTERM, then run() returns."""

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from httpkit import IO_TIMEOUT, ROOT, exchange

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import cynharness  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PyServer:
    def __init__(self, module, threads):
        folder = cynharness.build_modules(os.path.join(ROOT, "examples", module + ".pyx"))
        self.port = free_port()
        code = ("import sys; sys.path.insert(0, %r); import %s; %s.run(port=%d, threads=%d); "
                "print('run returned', flush=True)" % (folder, module, module, self.port, threads))
        self.proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=cynharness.compiler_env())
        deadline = time.monotonic() + IO_TIMEOUT
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("example did not start: %r" % (self.proc.communicate(),))
                time.sleep(0.05)

    def connect(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=IO_TIMEOUT)
        s.settimeout(IO_TIMEOUT)
        return s

    def finish(self, sig):
        self.proc.send_signal(sig)
        out, err = self.proc.communicate(timeout=IO_TIMEOUT)
        return self.proc.returncode, out, err


@pytest.fixture
def py_server():
    servers = []

    def make(module, threads=2):
        s = PyServer(module, threads)
        servers.append(s)
        return s

    yield make
    for s in servers:
        if s.proc.poll() is None:
            s.proc.kill()
            s.proc.communicate()


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
