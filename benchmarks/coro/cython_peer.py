#!/usr/bin/env python3
"""The Cython implementation of the coroutine benchmarks (bench_coro.pyx) as a command.

    python3 benchmarks/coro/cython_peer.py --build                # compile only (run.py does this once)
    CYN_THREADS=2 python3 benchmarks/coro/cython_peer.py skynet [n]

Same argv and output line as runtime/bench/coro_bench.cpp and the Go peer, so
benchmarks/coro/run.py runs it as one more implementation in a fresh process: the benchmark
runs once to warm up and once measured, then one line of key=value pairs is printed
(impl=cython). rss_kb is this process's peak resident set (VmHWM, as the C++ and Go drivers
report it; resource.getrusage's ru_maxrss where /proc is missing), so it includes the Python
interpreter itself.

bench_coro.pyx is built through the fork by scripts/cynbuild.py (as every benchmark and test
module is) under $CYN_BUILD_DIR/bench-coro (default build/), linked against that build
directory's libcyn.
"""

import os
import resource
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import cynbuild  # noqa: E402
from peer_common import DEFAULT_N, peak_rss_kb  # noqa: E402


def out_dir():
    return os.path.join(cynbuild.build_dir(), "bench-coro")


def build():
    """Compiles bench_coro.pyx (only when it, the overlay, the runtime headers or the stdlib
    changed); returns the folder holding the module."""
    return cynbuild.build([os.path.join(HERE, "bench_coro.pyx")], out_dir())


def load():
    out = build()
    if out not in sys.path:
        sys.path.insert(0, out)
    import bench_coro
    return bench_coro


def cpu_seconds():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def main(argv):
    if len(argv) >= 2 and argv[1] == "--build":
        print(build())
        return 0
    if len(argv) < 2 or argv[1] not in DEFAULT_N:
        print("usage: %s spawn|spawn_yield|skynet|pingpong [n] | --build" % argv[0], file=sys.stderr)
        return 2
    name = argv[1]
    n = int(argv[2]) if len(argv) > 2 else 0
    if n <= 0:
        n = DEFAULT_N[name]
    bench = load().BENCHES[name]
    import bench_coro
    bench(n)  # warm-up: starts the workers, fills the stack and task pools
    cpu0 = cpu_seconds()
    seconds = bench(n)
    cpu = cpu_seconds() - cpu0
    print("bench=%s impl=cython workers=%d n=%d seconds=%.6f ns_per_op=%.1f cpu_seconds=%.6f "
          "rss_kb=%d result=%d" % (name, bench_coro.workers(), n, seconds, seconds * 1e9 / n, cpu,
                                   peak_rss_kb(), bench_coro.last_result()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
