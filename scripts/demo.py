#!/usr/bin/env python3
"""The main job of `make run`: the demo HTTP servers and the benchmark table.

Starts examples/hello.pyx exactly as a user would (`import hello; hello.run(port=...)`), shows
with curl that it answers, does the same for examples/fib.pyx, runs the benchmark table
(benchmarks/run_all.py), then stops each server with SIGINT and checks it exits cleanly (0).
"""

import os
import shutil
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


def show(name, url):
    """Shows the server answering, with curl as a user would type it."""
    if shutil.which("curl"):
        print("$ curl -i %s" % url, flush=True)
        subprocess.check_call(["curl", "-sS", "-i", "--max-time", "5", url])
        print(flush=True)
    else:
        with urllib.request.urlopen(url, timeout=5) as resp:
            print("GET %s on %s -> %d %r" % (url, name, resp.status, resp.read()))


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
    global EXAMPLES
    EXAMPLES = cynbuild.build([os.path.join(ROOT, "examples", name) for name in ("hello.pyx", "fib.pyx")],
                              os.path.join(cynbuild.build_dir(), "examples"), name="http-examples")
    failures = 0
    servers = []
    try:
        for module, path in (("hello", "/"), ("fib", "/fib?n=20")):
            port = free_port()
            servers.append((module, start(module, port)))
            show(module, "http://127.0.0.1:%d%s" % (port, path))
        # The benchmark table, while the demo servers are still up (they idle meanwhile).
        failures += subprocess.call([sys.executable, os.path.join(ROOT, "benchmarks", "run_all.py")]) != 0
    finally:
        for module, proc in servers:
            failures += stop(proc, module) != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
