#!/usr/bin/env python3
"""benchmarks/objects: the cost of a nogil object against its peers, in one run.

Operations: create+free of a small object, reference copy, virtual method call; from 1 and 2
threads. Peers: a nogil class (cyn), a Cython cdef class (CPython object), a Python class,
C++ `std::make_shared`, plain `new`/`delete` and `cyn::make` used directly from C++.
Prints ns/op and ratios, and rewrites the `objects` section of benchmarks/RESULTS.md.
The figure reported is time per operation of one thread: with 2 threads each thread does
n operations, so equal figures for 1 and 2 threads mean linear scaling. For the nogil class
each thread times its own loop after all threads reached a common start line (the slowest
thread counts); the peers that hold the GIL (cdef class, Python class) are timed by wall clock
around the threads, and the C++ peers inside their own driver.
"""

import json
import os
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
import results  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "scripts"))
import cynbuild  # noqa: E402

BUILD = os.environ.get("CYN_BUILD_DIR", os.path.join(ROOT, "build"))
OUT = os.path.join(BUILD, "bench-objects")
OPS = ["create+free", "ref copy", "virtual call"]
N = int(os.environ.get("CYN_BENCH_N", "5000000"))
REPEAT = 3


def build_cython_module():
    return cynbuild.build_and_import(os.path.join(HERE, "bench_objects.pyx"), OUT)


class PyPoint:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def area(self):
        return self.x * self.y


class PyPoint3(PyPoint):
    def area(self):
        return self.x * self.y * 2


def python_ops(op, n):
    s = 0.0
    if op == "create+free":
        for i in range(n):
            p = PyPoint(i, 2)
            s += p.x
    elif op == "ref copy":
        shared = PyPoint3(1, 2)
        for _ in range(n):
            q = shared
            s += q.y
    else:
        shared = PyPoint3(1, 2)
        for _ in range(n):
            s += shared.area()
    return s


def timed(fn, op, n, threads):
    """Best of REPEAT: wall ns per op of one thread, `threads` threads each doing n ops."""
    best = None
    for _ in range(REPEAT):
        workers = [threading.Thread(target=fn, args=(op, n)) for _ in range(threads)]
        start = time.perf_counter()
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        ns = (time.perf_counter() - start) * 1e9 / n
        best = ns if best is None else min(best, ns)
    return best


def timed_in_threads(mod, op, n, threads):
    """Best of REPEAT for the nogil class: ns per op of one thread, from the loop time each
    thread measures itself after all threads reached a common start line (so the figure is
    the loop's, not the skew of Python starting threads one GIL hand-off apart); the slowest
    thread of a round counts."""
    best = None
    for _ in range(REPEAT):
        mod.reset_start_line()
        results = [0] * threads

        def work(index):
            results[index] = mod.nogil_ops(op, n, threads)

        workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        ns = max(results) / n
        best = ns if best is None else min(best, ns)
    return best


def cxx_baselines(n, threads):
    exe = os.path.join(BUILD, "runtime", "objects_bench")
    rows, header = [], None
    best = {}
    for _ in range(REPEAT):
        out = subprocess.check_output([exe, str(n), str(threads)], text=True)
        for line in out.splitlines():
            rec = json.loads(line)
            if "sizeof_object_header" in rec:
                header = rec["sizeof_object_header"]
                continue
            key = (rec["peer"], rec["op"])
            best[key] = min(best.get(key, float("inf")), rec["ns_per_op"])
    for (peer, op), ns in best.items():
        rows.append((peer, op, threads, ns))
    return rows, header


def main():
    mod = build_cython_module()
    rows = []
    header = None
    for threads in (1, 2):
        for op in OPS:
            rows.append(("cyn nogil class", op, threads, timed_in_threads(mod, op, N, threads)))
            rows.append(("Cython cdef class", op, threads, timed(mod.cdef_class_ops, op, N, threads)))
            rows.append(("Python class", op, threads, timed(python_ops, op, max(N // 20, 1000), threads)))
        cxx, header = cxx_baselines(N, threads)
        rows += cxx
    table = {(peer, op, t): ns for peer, op, t, ns in rows}
    peers = ["cyn nogil class", "cyn::make (C++)", "new/delete", "std::make_shared",
             "Cython cdef class", "Python class"]
    lines = ["| operation | threads | " + " | ".join(peers) + " | cdef class ÷ nogil |",
             "|---|---|" + "---|" * len(peers) + "---|"]
    for op in OPS:
        for threads in (1, 2):
            cells = []
            for peer in peers:
                ns = table.get((peer, op, threads))
                cells.append("%.2f" % ns if ns is not None else "—")
            ours = table.get(("cyn nogil class", op, threads))
            theirs = table.get(("Cython cdef class", op, threads))
            ratio = "%.1f×" % (theirs / ours) if ours and theirs else "—"
            lines.append("| %s | %d | %s | %s |" % (op, threads, " | ".join(cells), ratio))
    body = "\n".join([
        "ns per operation of one thread, best of %d (lower is better; equal 1- and 2-thread figures = "
        "linear scaling). Object header: `sizeof(cyn::Object)` = %s bytes. The nogil class's "
        "threads each time their own loop from a common start line (the slowest counts); the "
        "GIL-holding peers are timed by wall clock around their threads." % (REPEAT, header),
        "", *lines, "",
        "Command: `python3 benchmarks/objects/run.py` (N=%d per thread; Python class N/20)." % N,
    ])
    print(body)
    results.write_section("objects", "Objects: create, copy, call (issue 3)", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
