#!/usr/bin/env python3
"""Coroutine runtime benchmarks: cyn vs Go (vs Python asyncio / gevent), side by side.

    python3 benchmarks/coro/run.py [--reps 3] [--quick] [--no-write]

Builds runtime/bench/coro_bench.cpp (CMake, Release, in build-bench-coro/) and the Go peer
(plus the same benchmarks written in Cython, benchmarks/coro/cython_peer.py, on the same libcyn)
(benchmarks/go/coro/, into benchmarks/.out/), runs every benchmark with 1 and 2 workers
(CYN_THREADS / GOMAXPROCS) in fresh processes, takes the median wall time of --reps runs,
prints a table and writes it into benchmarks/RESULTS.md between the coro markers.

Benchmarks (same algorithm in every implementation):
  spawn        500,000 empty coroutines spawned and joined (WaitGroup)
  spawn_yield  the same, each coroutine yields once
  skynet       1,000,000 leaf coroutines in a tree of 10, sums passed up over channels
  pingpong     1,000,000 round trips of a number between two coroutines, unbuffered channels
Python peers are ~100x slower, so they run n/10 and are compared per operation.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "benchmarks", ".out")
RESULTS = os.path.join(ROOT, "benchmarks", "RESULTS.md")

BENCHES = [("spawn", 500_000), ("spawn_yield", 500_000), ("skynet", 1_000_000),
           ("pingpong", 1_000_000)]


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw).stdout


def build(build_dir):
    if not os.path.exists(os.path.join(build_dir, "build.ninja")):
        sh(["cmake", "-S", ROOT, "-B", build_dir, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
            "-DCYN_BUILD_TESTS=OFF"])
    sh(["cmake", "--build", build_dir, "-j2", "--target", "coro_bench"])
    cyn = os.path.join(build_dir, "runtime", "coro_bench")
    os.makedirs(OUT, exist_ok=True)
    go = os.path.join(OUT, "coro_go")
    env = dict(os.environ, GOFLAGS="-mod=mod")
    env.setdefault("GOCACHE", os.path.join(OUT, "gocache"))
    sh(["go", "build", "-o", go, "."], cwd=os.path.join(ROOT, "benchmarks", "go", "coro"), env=env)
    return cyn, go


def parse(line):
    return {k: v for k, v in re.findall(r"(\w+)=(\S+)", line)}


def run(cmd, env_extra, timeout=600):
    env = dict(os.environ, **env_extra)
    out = subprocess.run(cmd, check=True, text=True, capture_output=True, env=env,
                         timeout=timeout).stdout
    lines = [l for l in out.splitlines() if l.startswith("bench=")]
    return parse(lines[-1])


def measure(cmd, env_extra, reps):
    runs = [run(cmd, env_extra) for _ in range(reps)]
    results = {r["result"] for r in runs}
    assert len(results) == 1, f"results differ between runs: {results}"
    return {
        "seconds": statistics.median(float(r["seconds"]) for r in runs),
        "ns_per_op": statistics.median(float(r["ns_per_op"]) for r in runs),
        "cpu": statistics.median(float(r.get("cpu_seconds", "nan")) for r in runs),
        "rss_kb": max(int(r["rss_kb"]) for r in runs),
        "result": runs[0]["result"],
    }


def have_gevent():
    try:
        subprocess.run([sys.executable, "-c", "import gevent"], check=True, capture_output=True)
        return True
    except subprocess.CalledProcessError:
        return False


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="n/10 everywhere (smoke test)")
    ap.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build-bench-coro"))
    args = ap.parse_args()

    cyn, go = build(args.build_dir)
    cython = [sys.executable, os.path.join(ROOT, "benchmarks", "coro", "cython_peer.py")]
    cython_env = {"CYN_BUILD_DIR": args.build_dir}  # links the libcyn that coro_bench uses
    sh(cython + ["--build"], env=dict(os.environ, **cython_env))
    py_peers = [("asyncio", [sys.executable, os.path.join(ROOT, "benchmarks", "coro",
                                                           "peer_asyncio.py")])]
    if have_gevent():
        py_peers.append(("gevent", [sys.executable, os.path.join(ROOT, "benchmarks", "coro",
                                                                 "peer_gevent.py")]))

    rows = []
    for name, n in BENCHES:
        if args.quick:
            n //= 10
        for workers in (1, 2):
            c = measure([cyn, name, str(n)], {"CYN_THREADS": str(workers)}, args.reps)
            g = measure([go, name, str(n)], {"GOMAXPROCS": str(workers)}, args.reps)
            assert c["result"] == g["result"], (name, c["result"], g["result"])
            y = measure(cython + [name, str(n)], dict(cython_env, CYN_THREADS=str(workers)),
                        args.reps)
            assert y["result"] == g["result"], (name, y["result"], g["result"])
            peers = {}
            if workers == 1:
                for pname, pcmd in py_peers:
                    peers[pname] = measure(pcmd + [name, str(max(n // 10, 1000))], {}, 1)
            rows.append((name, n, workers, c, g, peers, y))
            print(f"{name:12s} w={workers} cyn {c['seconds']:.3f}s go {g['seconds']:.3f}s "
                  f"ratio {c['seconds'] / g['seconds']:.2f} cython {y['seconds']:.3f}s "
                  f"ratio {y['seconds'] / g['seconds']:.2f}", flush=True)

    peer_names = [p for p, _ in py_peers]
    head = ("| benchmark | n | workers | cyn (s) | Go (s) | cyn/Go | cyn ns/op | Go ns/op | "
            "cyn CPU (s) | Go CPU (s) | cyn peak RSS | Go peak RSS | "
            "cyn Cython (s) | Cython/Go | Cython CPU (s) | Cython peak RSS | "
            + " | ".join(f"{p} ns/op (n/10)" for p in peer_names) + " |")
    sep = "|" + "---|" * (16 + len(peer_names))
    lines = [head, sep]
    for name, n, workers, c, g, peers, y in rows:
        cells = [name, f"{n:,}", str(workers), f"{c['seconds']:.3f}", f"{g['seconds']:.3f}",
                 f"**{c['seconds'] / g['seconds']:.2f}**", f"{c['ns_per_op']:.0f}",
                 f"{g['ns_per_op']:.0f}", f"{c['cpu']:.3f}", f"{g['cpu']:.3f}",
                 f"{c['rss_kb'] / 1024:.1f} MiB", f"{g['rss_kb'] / 1024:.1f} MiB",
                 f"{y['seconds']:.3f}", f"**{y['seconds'] / g['seconds']:.2f}**",
                 f"{y['cpu']:.3f}", f"{y['rss_kb'] / 1024:.1f} MiB"]
        for p in peer_names:
            cells.append(f"{peers[p]['ns_per_op']:.0f}" if p in peers else "")
        lines.append("| " + " | ".join(cells) + " |")
    table = "\n".join(lines)
    print()
    print(table)

    if args.no_write:
        return
    sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
    import results  # the shared writer of RESULTS.md sections

    cmd = "python3 benchmarks/coro/run.py" + (" --quick" if args.quick else "") + \
        (f" --reps {args.reps}" if args.reps != 3 else "")
    body = "\n".join([
        f"- Command: `{cmd}` (median of {args.reps} fresh processes per cell; each process "
        "runs the benchmark once to warm up, then once measured).",
        "- cyn = the C++ driver runtime/bench/coro_bench.cpp; cyn Cython = the same benchmarks "
        "written as nogil Cython (benchmarks/coro/bench_coro.pyx, built through the fork, same "
        "libcyn; its peak RSS includes the Python interpreter).",
        "- cyn/Go < 1 means cyn is faster. CPU is user+system time of the measured run; peak RSS "
        "is the whole process's (warm-up included).",
        "- Python peers have no worker setting (one event loop) and run n/10; compare ns/op.",
        "- Other jobs may share the machine: compare numbers within one table, and CPU times "
        "when wall times look inflated.",
        "",
        table,
    ])
    title = "Coroutines: cyn vs Go" + (" vs " + " / ".join(peer_names) if peer_names else "")
    results.write_section("coro", title, body)
    print(f"\nwrote {os.path.relpath(RESULTS, ROOT)}")


if __name__ == "__main__":
    main()
