#!/usr/bin/env python3
"""Runs every benchmark suite (benchmarks/*/run.py) and prints benchmarks/RESULTS.md.

Each suite runs its peers (Go, asyncio, nginx, C++ baselines...) in the same run, prints a
table with ratios, and rewrites its own section of RESULTS.md. Pass suite names to run a
subset: `benchmarks/run_all.py objects coro`.
"""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ORDER = ["objects", "coro", "http", "interop", "containers"]


def main(argv):
    wanted = argv or [s for s in ORDER if os.path.exists(os.path.join(HERE, s, "run.py"))]
    failed = []
    for suite in wanted:
        script = os.path.join(HERE, suite, "run.py")
        if not os.path.exists(script):
            print("benchmarks: no suite named %r" % suite)
            failed.append(suite)
            continue
        print("=" * 20, "benchmarks/%s" % suite, "=" * 20, flush=True)
        if subprocess.call([sys.executable, script]) != 0:
            failed.append(suite)
    results = os.path.join(HERE, "RESULTS.md")
    if os.path.exists(results):
        print(open(results, encoding="utf-8").read())
    if failed:
        print("benchmarks: failed suites: %s" % ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
