"""Helpers for the black-box HTTP server tests (tests/http/).

The server under test is a binary from the CMake build: the C++ demo server
`runtime/http_hello` (routes /, /fib, /echo, /headers) in `$CYN_BUILD_DIR` (default `build`,
relative to the repository root), or a server written in Cython (CythonServer: a .pyx built
through the fork and run as SPEC §4 says). A missing binary fails the test with the command
that builds it; nothing is skipped. Every server listens on 127.0.0.1 on a port the kernel
picks and is killed at the end of its test.
"""

import os
import resource
import signal
import socket
import subprocess
import time

import h11
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD_DIR = os.path.join(ROOT, os.environ.get("CYN_BUILD_DIR", "build"))
IO_TIMEOUT = 10.0  # bounds every socket operation of these tests


# The Cython app the handler tests serve (tests/http/handler_app.pyx).
HANDLER_APP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "handler_app.pyx")


def binary(name):
    path = os.path.join(BUILD_DIR, "runtime", name)
    if not os.access(path, os.X_OK):
        pytest.fail(
            f"{path} is missing: build it with `cmake -S . -B {os.path.relpath(BUILD_DIR, ROOT)} -G Ninja "
            f"&& cmake --build {os.path.relpath(BUILD_DIR, ROOT)}` (or set CYN_BUILD_DIR)"
        )
    return path


def raise_fd_limit(want=8192):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = want if hard == resource.RLIM_INFINITY else min(want, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class Server:
    """A running http_hello process."""

    def __init__(self, *args, threads=2):
        raise_fd_limit()
        self.proc = subprocess.Popen(
            [binary("http_hello"), "--host", "127.0.0.1", "--port", "0", "--threads", str(threads), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        line = self.proc.stdout.readline().decode()
        if not line.startswith("listening on http://127.0.0.1:"):
            self.proc.kill()
            raise AssertionError(f"server did not start: {line!r} {self.proc.stderr.read()!r}")
        self.port = int(line.rsplit(":", 1)[1])

    def connect(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=IO_TIMEOUT)
        s.settimeout(IO_TIMEOUT)
        return s

    def signal(self, sig):
        self.proc.send_signal(sig)

    def wait(self, timeout=IO_TIMEOUT):
        return self.proc.wait(timeout=timeout)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=IO_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()


class CythonServer:
    """A server written in Cython: `pyx` built through the fork (tests/cynharness.py) and run in
    a child process as SPEC §4 says (`import module; module.run(port=..., **run_args)`), which
    prints "run returned" when run() returns. Listens on a free port of 127.0.0.1."""

    def __init__(self, pyx, **run_args):
        import sys
        sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        import cynharness
        folder = cynharness.build_modules(pyx)
        module = os.path.splitext(os.path.basename(pyx))[0]
        self.port = free_port()
        args = "".join(", %s=%r" % item for item in sorted(run_args.items()))
        code = ("import sys; sys.path.insert(0, %r); import %s; %s.run(port=%d%s); "
                "print('run returned', flush=True)" % (folder, module, module, self.port, args))
        self.proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=cynharness.compiler_env())
        deadline = time.monotonic() + IO_TIMEOUT
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.kill()
                    raise AssertionError("%s did not start: %r" % (module, self.proc.communicate()))
                time.sleep(0.05)

    def connect(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=IO_TIMEOUT)
        s.settimeout(IO_TIMEOUT)
        return s

    def finish(self, sig=signal.SIGTERM):
        """Sends `sig` and waits: (exit status, stdout, stderr)."""
        self.proc.send_signal(sig)
        out, err = self.proc.communicate(timeout=IO_TIMEOUT)
        return self.proc.returncode, out, err

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.finish()
            except subprocess.TimeoutExpired:
                self.kill()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def recv_until_close(sock):
    """Everything the peer sends until it closes (the socket timeout bounds the wait)."""
    chunks = []
    while True:
        data = sock.recv(65536)
        if not data:
            return b"".join(chunks)
        chunks.append(data)


def parse_responses(data, methods=None):
    """Parses a byte stream of responses with h11 (as a client would).

    `methods` lists the request method of each response (HEAD responses have no body).
    Returns [(status, headers dict with lower-case names, body bytes)]."""
    client = h11.Connection(h11.CLIENT)
    out = []
    methods = list(methods or [])
    client.receive_data(data)
    client.receive_data(b"")  # what we got is all there is
    while True:
        method = methods.pop(0) if methods else "GET"
        # h11 needs to know the request to frame the response (HEAD has no body).
        client.send(h11.Request(method=method, target="/", headers=[("Host", "x")]))
        client.send(h11.EndOfMessage())
        ev = client.next_event()
        if ev is h11.NEED_DATA or isinstance(ev, h11.ConnectionClosed):
            return out
        assert isinstance(ev, h11.Response), ev
        status = ev.status_code
        headers = {k.decode().lower(): v.decode("latin-1") for k, v in ev.headers}
        body = b""
        while True:
            ev = client.next_event()
            if isinstance(ev, h11.Data):
                body += ev.data
            elif isinstance(ev, h11.EndOfMessage):
                break
            else:
                raise AssertionError(f"unexpected event {ev!r}")
        out.append((status, headers, body))
        if client.our_state is h11.MUST_CLOSE or client.their_state is h11.MUST_CLOSE:
            return out
        if client.their_state is h11.CLOSED or not client.trailing_data[0]:
            return out  # closed, or no bytes of another response
        client.start_next_cycle()


def exchange(server, raw, methods=None):
    """Sends raw bytes on a fresh connection, reads until the server closes, parses."""
    with server.connect() as s:
        s.sendall(raw)
        data = recv_until_close(s)
    return parse_responses(data, methods), data


def read_one_response(sock, method="GET"):
    """Reads exactly one response from a keep-alive socket."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed after {buf!r}"
        buf += chunk
    head, rest = buf.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if method == "HEAD":
        length = 0
    while len(rest) < length:
        chunk = sock.recv(65536)
        assert chunk, "connection closed inside a body"
        rest += chunk
    assert len(rest) == length, "more bytes than one response"
    parsed = parse_responses(head + b"\r\n\r\n" + rest, [method])
    assert len(parsed) == 1
    return parsed[0]


def wait_for(predicate, timeout=IO_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False
