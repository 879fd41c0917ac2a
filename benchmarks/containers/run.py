#!/usr/bin/env python3
"""benchmarks/containers: cyn.lib containers used from Cython nogil code, against Python's
built-in list/dict and against C++ (std::vector / std::unordered_map and cyn::lib used directly,
engineer L's `containers_bench` binary), in one run.

Workloads (the same inputs for every peer): list append of n ints; n reads at random positions;
iterating n items; dict insert of n random 63-bit int keys, then n lookups in shuffled order;
the same with n/4 string keys "key-<i*7919>", looked up through *other* objects of equal text.
Figures are ns per element operation, best of REPEAT rounds; each Cython/Python figure is one
call doing the whole workload (the GIL released for cyn.lib). Rewrites the `containers` section
of benchmarks/RESULTS.md.
"""

import json
import os
import random
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
import results  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "scripts"))
import cynbuild  # noqa: E402

BUILD = os.environ.get("CYN_BUILD_DIR", os.path.join(ROOT, "build"))
OUT = os.path.join(BUILD, "bench-containers")
N = int(os.environ.get("CYN_BENCH_N", "1000000"))
REPEAT = int(os.environ.get("CYN_BENCH_REPEAT", "5"))
SIZES = [int(k) for k in os.environ.get("CYN_BENCH_SIZES", "1000,10000,100000,1000000").split(",")]
BENCHES = ["list_append", "list_index", "list_iterate", "dict_insert_int", "dict_lookup_int",
           "dict_insert_str", "dict_lookup_str"]


def build_cython_module():
    return cynbuild.build_and_import(os.path.join(HERE, "bench_containers.pyx"), OUT)


def inputs(n):
    rng = random.Random(1)
    positions = [rng.randrange(n) for _ in range(n)]
    rng = random.Random(2)
    int_keys = [rng.getrandbits(63) for _ in range(n)]
    int_probe = list(int_keys)
    rng.shuffle(int_probe)
    m = max(n // 4, 1)
    str_keys = ["key-%d" % (i * 7919) for i in range(m)]
    order = list(range(m))
    random.Random(3).shuffle(order)
    str_probe = ["".join(["key-", str(i * 7919)]) for i in order]    # equal text, new objects
    return positions, int_keys, int_probe, str_keys, str_probe


class PyWorkload:
    def __init__(self, n, int_keys, int_probe, positions, str_keys, str_probe):
        self.n, self.positions = n, positions
        self.xs = list(range(n))
        self.int_keys, self.int_probe = int_keys, int_probe
        self.str_keys, self.str_probe = str_keys, str_probe
        self.int_dict = {k: i for i, k in enumerate(int_keys)}
        self.str_dict = {k: i for i, k in enumerate(str_keys)}


def py_list_append(w):
    xs = []
    for i in range(w.n):
        xs.append(i)
    return len(xs)


def py_list_index(w):
    xs, total = w.xs, 0
    for p in w.positions:
        total += xs[p]
    return total


def py_list_iterate(w):
    total = 0
    for x in w.xs:
        total += x
    return total


def py_dict_insert_int(w):
    d = {}
    for i, k in enumerate(w.int_keys):
        d[k] = i
    return len(d)


def py_dict_lookup_int(w):
    d, total = w.int_dict, 0
    for k in w.int_probe:
        total += d[k]
    return total


def py_dict_insert_str(w):
    d = {}
    for i, k in enumerate(w.str_keys):
        d[k] = i
    return len(d)


def py_dict_lookup_str(w):
    d, total = w.str_dict, 0
    for k in w.str_probe:
        total += d[k]
    return total


def ops_of(bench, n):
    return max(n // 4, 1) if bench.endswith("_str") else n


def best_ns(fn, w, ops, calls=1):
    best, result = None, None
    for _ in range(REPEAT):
        start = time.perf_counter()
        for _ in range(calls):
            result = fn(w)
        ns = (time.perf_counter() - start) * 1e9 / (ops * calls)
        best = ns if best is None else min(best, ns)
    return best, result


def cxx(n):
    exe = os.path.join(BUILD, "runtime", "containers_bench")
    if not os.path.exists(exe):
        return {}
    out = subprocess.check_output([exe, str(n)], text=True)
    rows = {}
    for line in out.splitlines():
        rec = json.loads(line)
        kind = "std" if rec["impl"].startswith("std::") else "lib"
        if rec["bench"] in BENCHES:
            rows[(rec["bench"], kind)] = rec["ns_per_op"]
    return rows


def main():
    mod = build_cython_module()
    load = os.getloadavg()[0]
    by_size = inserts_by_size(mod)   # first: before the big workloads fill the heaps
    positions, int_keys, int_probe, str_keys, str_probe = inputs(N)
    w = mod.Workload(N, int_keys, int_probe, positions, str_keys, str_probe)
    pw = PyWorkload(N, int_keys, int_probe, positions, str_keys, str_probe)
    table = {}
    for bench in BENCHES:
        ops = ops_of(bench, N)
        ours, r1 = best_ns(getattr(mod, bench), w, ops)
        theirs, r2 = best_ns(globals()["py_" + bench], pw, ops)
        if r1 != r2:     # the same checksum, or the two did not do the same work
            raise SystemExit("%s: cyn.lib gave %r, Python %r" % (bench, r1, r2))
        table[bench] = {"cyn": ours, "py": theirs}
    for (bench, kind), ns in cxx(N).items():
        table[bench][kind] = ns
    lines = ["| workload | cyn.lib from Cython (nogil) | cyn::lib from C++ | std:: (C++) | Python built-ins | Python ÷ cyn.lib |",
             "|---|---|---|---|---|---|"]
    for bench in BENCHES:
        row = table[bench]
        cell = lambda k: "%.2f" % row[k] if k in row else "—"
        lines.append("| %s | %s | %s | %s | %s | %.1f× |" % (
            bench, cell("cyn"), cell("lib"), cell("std"), cell("py"), row["py"] / row["cyn"]))
    body = "\n".join([
        "ns per element operation, best of %d (lower is better). n = %d (string workloads n/4). "
        "C++ figures come from `%s` in the same run; std:: is std::vector / std::unordered_map. "
        "Load average when the run started: %.1f (figures of one run compare; absolute values move "
        "with the load)."
        % (REPEAT, N, os.path.relpath(os.path.join(BUILD, "runtime", "containers_bench"), ROOT), load),
        "", *lines, "",
        "Command: `python3 benchmarks/containers/run.py` (CYN_BENCH_N, CYN_BENCH_REPEAT, CYN_BENCH_SIZES, CYN_BUILD_DIR).",
    ])
    body += "\n\n" + by_size
    print(body)
    results.write_section("containers", "Containers: cyn.lib from Cython vs Python and C++ (issue 7)", body)
    return 0


def inserts_by_size(mod):
    """Dict inserts at several table sizes: from cache-resident to memory-bound tables, where
    the ratio to Python moves (the main table fixes one size per workload)."""
    lines = ["Dict inserts by table size (ns per insert, best of %d rounds; a round of a small table "
             "runs the workload 300,000/keys times):" % REPEAT, "",
             "| keys | int: cyn.lib | int: Python | int: Python ÷ cyn.lib | string: cyn.lib | string: Python | string: Python ÷ cyn.lib |",
             "|---|---|---|---|---|---|---|"]
    for keys in SIZES:
        rng = random.Random(2)
        int_keys = [rng.getrandbits(63) for _ in range(keys)]
        str_keys = ["key-%d" % (i * 7919) for i in range(keys)]
        # Only the insert workloads run: the lookup and list inputs are token ones.
        w = mod.Workload(1, int_keys, int_keys, [0], str_keys, str_keys)
        pw = PyWorkload(1, int_keys, int_keys, [0], str_keys, str_keys)
        cells = []
        calls = max(1, 300000 // keys)    # small tables: time many calls, not one of microseconds
        for bench in ("dict_insert_int", "dict_insert_str"):
            ours, r1 = best_ns(getattr(mod, bench), w, keys, calls)
            theirs, r2 = best_ns(globals()["py_" + bench], pw, keys, calls)
            if r1 != r2:
                raise SystemExit("%s at %d keys: cyn.lib gave %r, Python %r" % (bench, keys, r1, r2))
            cells += ["%.2f" % ours, "%.2f" % theirs, "%.1f×" % (theirs / ours)]
        lines.append("| {:,} | {} |".format(keys, " | ".join(cells)))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
