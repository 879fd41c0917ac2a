#!/usr/bin/env python3
"""HTTP benchmark: cyn's server against Go net/http, nginx and Python asyncio, side by side.

Each server runs pinned with taskset, first to 1 core (CPU 0) with wrk on the other (CPU 1),
then to 2 cores (wrk shares them: the dev box has only 2). Every figure is the median of
--runs short wrk runs after a warm-up. Besides requests/s it reports the server's CPU time
per request (utime + stime of the server's processes from /proc/PID/stat, before/after),
which does not depend on how much CPU wrk leaves over.

    python3 benchmarks/http/run.py                 # the full table (about 3 minutes)
    python3 benchmarks/http/run.py --duration 1 --runs 1   # a quick look

Writes the table to benchmarks/RESULTS.md (section `http`), the raw numbers to
benchmarks/.out/http.json and a chart to benchmarks/http/chart.png. Binaries come from
$CYN_BUILD_DIR (default build/); the Go peer is built from benchmarks/go/http/.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)
ROOT = os.path.dirname(BENCH)
sys.path.insert(0, BENCH)
import results  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "scripts"))
import cynbuild  # noqa: E402

BUILD_DIR = os.path.join(ROOT, os.environ.get("CYN_BUILD_DIR", "build"))
OUT_DIR = os.path.join(BENCH, ".out")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, proc, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited with %s" % proc.returncode)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server did not listen on %d" % port)


def process_tree(pid):
    """pid and all its descendants (nginx's workers are children of its master)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cpu_seconds(pid):
    total = 0
    for p in process_tree(pid):
        try:
            with open("/proc/%d/stat" % p) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / CLK_TCK


def realtime_prefix():
    """SCHED_FIFO for servers and wrk alike when allowed (root / CAP_SYS_NICE): on a shared
    dev box it keeps other jobs (compilers) from delaying wake-ups, which otherwise dominate
    the figures. The kernel's RT throttling still leaves 5% of each CPU to everything else."""
    if shutil.which("chrt") and subprocess.run(["chrt", "-f", "10", "true"], capture_output=True).returncode == 0:
        return ["chrt", "-f", "10"]
    return []


RT = realtime_prefix()


def run_wrk(url, threads, conns, duration, cpus):
    cmd = RT + ["taskset", "-c", cpus, "wrk", "-t%d" % threads, "-c%d" % conns, "-d%ds" % max(1, round(duration)), url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60).stdout
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if m is None:
        raise RuntimeError("wrk failed: %s" % out)
    rps = float(m.group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Socket errors: (.*)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, total, (errors.group(1) if errors else ""), int(non2xx.group(1)) if non2xx else 0


class Peer:
    """How to start one server with a given number of cores."""

    def __init__(self, name, start, endpoints, max_cores=2):
        self.name, self.start, self.endpoints, self.max_cores = name, start, endpoints, max_cores


def cyn_start(port, cores, tmp, endpoint):
    binary = os.path.join(BUILD_DIR, "runtime", "http_hello")
    return [binary, "--host", "127.0.0.1", "--port", str(port), "--threads", str(cores)], {}


def go_start(port, cores, tmp, endpoint):
    return [os.path.join(tmp, "go-http")], {"GOMAXPROCS": str(cores)}


def go_args(port):
    return ["-addr", "127.0.0.1:%d" % port]


def nginx_start(port, cores, tmp, endpoint):
    prefix = os.path.join(tmp, "nginx-%d" % port)
    os.makedirs(os.path.join(prefix, "logs"), exist_ok=True)
    conf = os.path.join(prefix, "nginx.conf")
    with open(conf, "w") as f:
        f.write("""
worker_processes %d;
daemon off;
pid %s/nginx.pid;
error_log %s/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path %s/body;
    proxy_temp_path %s/proxy;
    fastcgi_temp_path %s/fastcgi;
    uwsgi_temp_path %s/uwsgi;
    scgi_temp_path %s/scgi;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:%d;
        location / { default_type text/plain; return 200 "Hello, World!"; }
    }
}
""" % (cores, prefix, prefix, prefix, prefix, prefix, prefix, prefix, port))
    return ["nginx", "-p", prefix, "-e", os.path.join(prefix, "logs", "error.log"), "-c", conf], {}


def asyncio_start(port, cores, tmp, endpoint):
    return [sys.executable, os.path.join(HERE, "asyncio_hello.py"), str(port)], {}


def build_examples(tmp):
    """Builds examples/hello.pyx and examples/fib.pyx through the fork, as a user would;
    returns the folder holding the two modules."""
    return cynbuild.build([os.path.join(ROOT, "examples", name) for name in ("hello.pyx", "fib.pyx")],
                          os.path.join(BUILD_DIR, "bench-http"), name="http-examples")


EXAMPLES = []   # the folder build_examples() returned


def cython_start(port, cores, tmp, endpoint):
    module = "hello" if endpoint == "hello" else "fib"
    code = "import sys; sys.path.insert(0, %r); import %s; %s.run(port=%d, threads=%d)" % (
        EXAMPLES[0], module, module, port, cores)
    return [sys.executable, "-c", code], {}


PEERS = [
    Peer("cyn (Cython examples)", cython_start, {"hello": "/", "fib30": "/fib?n=30"}),
    Peer("cyn (C++ demo)", cyn_start, {"hello": "/", "fib30": "/fib?n=30"}),
    Peer("go net/http", go_start, {"hello": "/", "fib30": "/fib?n=30"}),
    Peer("nginx", nginx_start, {"hello": "/"}),
    Peer("python asyncio", asyncio_start, {"hello": "/"}, max_cores=1),
]


def measure(peer, cores, endpoint, args, tmp):
    port = free_port()
    argv, env = peer.start(port, cores, tmp, endpoint)
    if peer.name.startswith("go"):
        argv = argv + go_args(port)
    server_cpus = "0" if cores == 1 else "0,1"
    wrk_cpus = "1" if cores == 1 else "0,1"
    proc = subprocess.Popen(RT + ["taskset", "-c", server_cpus] + argv, env=dict(os.environ, **env),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_listening(port, proc)
        url = "http://127.0.0.1:%d%s" % (port, peer.endpoints[endpoint])
        fib = endpoint.startswith("fib")
        conns = 4 * cores if fib else args.connections
        threads = 1 if cores == 1 else 2
        run_wrk(url, threads, conns, 1, wrk_cpus)  # warm-up
        samples = []
        for _ in range(args.runs):
            before = cpu_seconds(proc.pid)
            rps, total, errors, non2xx = run_wrk(url, threads, conns, args.duration, wrk_cpus)
            cpu = cpu_seconds(proc.pid) - before
            if non2xx:
                raise RuntimeError("%s answered %d non-2xx responses" % (peer.name, non2xx))
            samples.append({"rps": rps, "requests": total, "cpu_s": cpu, "errors": errors})
        rps = statistics.median(s["rps"] for s in samples)
        cpu_per_req = statistics.median(s["cpu_s"] / s["requests"] for s in samples if s["requests"])
        return {"server": peer.name, "cores": cores, "endpoint": endpoint, "rps": rps,
                "cpu_us_per_req": cpu_per_req * 1e6, "samples": samples}
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def build_go(tmp):
    out = os.path.join(tmp, "go-http")
    subprocess.run(["go", "build", "-o", out, "."], cwd=os.path.join(BENCH, "go", "http"), check=True,
                   env=dict(os.environ, GOFLAGS="-mod=mod", GOTOOLCHAIN="local"))
    return out


def ratio(a, b):
    return a / b if a and b else float("nan")


def table(rows):
    def find(server, cores, endpoint):
        for r in rows:
            if (r["server"], r["cores"], r["endpoint"]) == (server, cores, endpoint):
                return r
        return None

    lines = ["| endpoint | server | cores | requests/s | server CPU µs/request |", "|---|---|---:|---:|---:|"]
    for r in rows:
        lines.append("| %s | %s | %d | %s | %.2f |" % (r["endpoint"], r["server"], r["cores"],
                                                        format(round(r["rps"]), ","), r["cpu_us_per_req"]))
    checks = []
    ours = "cyn (Cython examples)"
    c1, g1, n1 = find(ours, 1, "hello"), find("go net/http", 1, "hello"), find("nginx", 1, "hello")
    if c1 and g1:
        checks.append("- hello, 1 core: cyn (Cython example)/Go requests/s = **%.2f×** (target ≥ 1.5×)" % ratio(c1["rps"], g1["rps"]))
    if c1 and n1:
        checks.append("- hello, 1 core: CPU per request cyn (Cython example) %.2f µs vs nginx %.2f µs (target: cyn ≤ nginx) — %s" % (
            c1["cpu_us_per_req"], n1["cpu_us_per_req"],
            "met" if c1["cpu_us_per_req"] <= n1["cpu_us_per_req"] else "not met"))
    f1, gf1, f2 = find(ours, 1, "fib30"), find("go net/http", 1, "fib30"), find(ours, 2, "fib30")
    if f1 and gf1:
        checks.append("- fib(30), 1 core: cyn (Cython example)/Go requests/s = **%.2f×** (target ≥ 1.2×)" % ratio(f1["rps"], gf1["rps"]))
    if f1 and f2:
        checks.append("- fib(30): cyn (Cython example) 2 cores / 1 core = **%.2f×** (target ≥ 1.9×)" % ratio(f2["rps"], f1["rps"]))
    return "\n".join(lines) + "\n\n" + "\n".join(checks)


def chart(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(13, 4.5))
    for ax, endpoint in zip(axes, ["hello", "fib30"]):
        sel = [r for r in rows if r["endpoint"] == endpoint]
        servers = sorted({r["server"] for r in sel}, key=[p.name for p in PEERS].index)
        width = 0.38
        for i, cores in enumerate([1, 2]):
            vals = [next((r["rps"] for r in sel if r["server"] == s and r["cores"] == cores), 0) for s in servers]
            ax.bar([x + (i - 0.5) * width for x in range(len(servers))], vals, width, label="%d core%s" % (cores, "s" if cores > 1 else ""))
        ax.set_xticks(range(len(servers)))
        ax.set_xticklabels([s.replace(" (", "\n(") for s in servers], fontsize=8)
        ax.set_title("GET /" if endpoint == "hello" else "GET /fib?n=30")
        ax.set_ylabel("requests/s (median of runs)")
        ax.legend()
    fig.suptitle("HTTP servers on 127.0.0.1 (wrk), 2-core dev box")
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--duration", type=int, default=3, help="seconds per wrk run")
    ap.add_argument("--runs", type=int, default=3, help="runs per figure (the median is kept)")
    ap.add_argument("--connections", type=int, default=64, help="wrk connections for hello")
    ap.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md and the chart")
    args = ap.parse_args()

    for tool in ("wrk", "taskset", "nginx", "go"):
        if shutil.which(tool) is None:
            sys.exit("benchmarks/http: %s is missing (run `make deps`)" % tool)
    if not os.access(os.path.join(BUILD_DIR, "runtime", "http_hello"), os.X_OK):
        sys.exit("benchmarks/http: %s/runtime/http_hello is missing (run `make build`)" % BUILD_DIR)

    rows = []
    with tempfile.TemporaryDirectory(prefix="cyn-http-bench-") as tmp:
        build_go(tmp)
        EXAMPLES[:] = [build_examples(tmp)]
        for endpoint in ("hello", "fib30"):
            for cores in (1, 2):
                for peer in PEERS:
                    if endpoint not in peer.endpoints or cores > peer.max_cores:
                        continue
                    r = measure(peer, cores, endpoint, args, tmp)
                    print("%-6s %-22s %d core(s): %10.0f req/s  %7.2f µs CPU/req" % (
                        endpoint, peer.name, cores, r["rps"], r["cpu_us_per_req"]), flush=True)
                    rows.append(r)

    text = table(rows)
    print()
    print(text)
    os.makedirs(OUT_DIR, exist_ok=True)
    with open(os.path.join(OUT_DIR, "http.json"), "w") as f:
        json.dump(rows, f, indent=1)
    if not args.no_write:
        body = ("Command: `python3 benchmarks/http/run.py` (wrk on 127.0.0.1; 1 core = server on CPU 0 and wrk "
                "on CPU 1 via taskset; 2 cores = server and wrk share CPUs 0-1; median of %d runs of %ds; "
                "hello with %d connections, fib(30) with 4 per core). CPU µs/request = server utime+stime / "
                "requests. Python asyncio is single-threaded, so it has no 2-core row. Servers and wrk run %s.\n\n%s\n\n"
                "![chart](http/chart.png)" % (args.runs, args.duration, args.connections,
                                         "under SCHED_FIFO (`chrt -f 10`) to shield them from other jobs on the box"
                                         if RT else "at normal priority", text))
        results.write_section("http", "HTTP server (hello, fib)", body)
        chart(rows, os.path.join(HERE, "chart.png"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
