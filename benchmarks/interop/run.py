#!/usr/bin/env python3
"""benchmarks/interop: what crossing between Python and a nogil object costs (issue 4).

Python constructs an object, and Python calls a cpdef method, on a nogil class (its Python
wrapper; the GIL is released around the nogil call) and on a Cython cdef class, in one run.
Prints ns per operation and ratios; rewrites the `interop` section of benchmarks/RESULTS.md.
"""

import os
import sys
import timeit

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
import results  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "scripts"))
import cynbuild  # noqa: E402

BUILD = os.environ.get("CYN_BUILD_DIR", os.path.join(ROOT, "build"))
OUT = os.path.join(BUILD, "bench-interop")
N = int(os.environ.get("CYN_BENCH_N", "1000000"))


def build():
    return cynbuild.build_and_import(os.path.join(HERE, "bench_interop.pyx"), OUT)


def ns_per_op(stmt, setup_globals):
    timer = timeit.Timer(stmt, globals=setup_globals)
    return min(timer.repeat(repeat=5, number=N)) * 1e9 / N


def main():
    mod = build()
    rows = []
    for label, cls in (("nogil class (wrapper)", mod.NCounter), ("Cython cdef class", mod.CCounter)):
        obj = cls(0)
        rows.append((label, ns_per_op("cls(1)", {"cls": cls}), ns_per_op("bump(1)", {"bump": obj.bump})))
    nogil, cdef = rows
    lines = ["| operation | nogil class (wrapper) | Cython cdef class | nogil ÷ cdef |", "|---|---|---|---|",
             "| Python constructs an object | %.1f | %.1f | %.2f× |" % (nogil[1], cdef[1], nogil[1] / cdef[1]),
             "| Python calls a cpdef method | %.1f | %.1f | %.2f× |" % (nogil[2], cdef[2], nogil[2] / cdef[2])]
    body = "\n".join(["ns per operation, best of 5 × %d (lower is better). The nogil call releases and "
                      "re-takes the GIL around the method." % N, "", *lines, "",
                      "Command: `python3 benchmarks/interop/run.py`."])
    print(body)
    results.write_section("interop", "Python interop: crossing cost (issue 4)", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
