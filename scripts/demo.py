#!/usr/bin/env python3
"""The main job of `make run`: the demo HTTP servers and the benchmark table.

Starts examples/hello.pyx exactly as a user would (`import hello; hello.run(port=...)`), shows
that it answers, does the same for examples/fib.pyx, runs the benchmark table
(benchmarks/run_all.py), then stops each server with SIGINT and checks it exits cleanly.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import cynbuild

ROOT = cynbuild.ROOT
EXAMPLES = None   # the folder holding the built examples (main() sets it)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, proc, timeout=20.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited early with status %s" % proc.returncode)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not listen on port %d within %.0fs" % (port, timeout))


def start(module, port):
    code = "import %s; %s.run(port=%d)" % (module, module, port)
    env = dict(os.environ, PYTHONPATH=EXAMPLES + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=EXAMPLES, env=env)
    wait_for_port(port, proc)
    return proc


def stop(proc, name):
    proc.send_signal(signal.SIGINT)
    try:
        status = proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise RuntimeError("%s did not stop within 20s of SIGINT" % name)
    print("%s stopped by SIGINT, exit status %d" % (name, status))
    return status


def main():
    if not all(os.path.exists(os.path.join(ROOT, "examples", n)) for n in ("hello.pyx", "fib.pyx")):
        print("demo: the HTTP examples are not in this checkout yet; running the benchmarks only")
        return subprocess.call([sys.executable, os.path.join(ROOT, "benchmarks", "run_all.py")])
    global EXAMPLES
    EXAMPLES = cynbuild.build([os.path.join(ROOT, "examples", name) for name in ("hello.pyx", "fib.pyx")],
                              os.path.join(cynbuild.build_dir(), "examples"), name="http-examples")
    failures = 0
    servers = []
    for module, path in (("hello", "/"), ("fib", "/fib?n=20")):
        port = free_port()
        proc = start(module, port)
        servers.append((module, proc))
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=5) as resp:
            print("GET %s on %s -> %d %r" % (path, module, resp.status, resp.read()))
    for module, proc in servers:
        failures += stop(proc, module) != 0
    failures += subprocess.call([sys.executable, os.path.join(ROOT, "benchmarks", "run_all.py")]) != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
