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

bench_coro.pyx is built through the fork like benchmarks/objects/run.py builds its module:
`python -m cython_nogil.cythonize_cli -i -q -3` in $CYN_BUILD_DIR/bench-coro (default
build/), linked against that build directory's libcyn.
"""

import hashlib
import os
import resource
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DEFAULT_N = {"spawn": 500_000, "spawn_yield": 500_000, "skynet": 1_000_000, "pingpong": 1_000_000}


def build_dir():
    path = os.environ.get("CYN_BUILD_DIR") or os.path.join(ROOT, "build")
    return path if os.path.isabs(path) else os.path.join(ROOT, path)


def out_dir():
    return os.path.join(build_dir(), "bench-coro")


def _inputs_digest():
    """Hash of what the generated module depends on: the .pyx, the overlay, runtime headers
    and the stdlib .pxd files (cythonize alone does not notice a changed C++ header)."""
    h = hashlib.sha256()
    with open(os.path.join(HERE, "bench_coro.pyx"), "rb") as f:
        h.update(f.read())
    for folder, suffixes in ((os.path.join(ROOT, "cython-fork"), (".py",)),
                             (os.path.join(ROOT, "runtime", "include"), (".hpp", ".h")),
                             (os.path.join(ROOT, "stdlib"), (".pxd", ".pyx", ".hpp"))):
        for base, dirs, files in sorted(os.walk(folder)):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith(suffixes):
                    path = os.path.join(base, name)
                    h.update(path[len(folder):].encode())
                    with open(path, "rb") as f:
                        h.update(f.read())
    return h.hexdigest()


def build():
    """Compiles bench_coro.pyx into out_dir() unless its inputs are unchanged; returns the dir."""
    out = out_dir()
    os.makedirs(out, exist_ok=True)
    digest = _inputs_digest()
    stamp = os.path.join(out, "bench_coro.stamp")
    built = any(n.startswith("bench_coro.") and n.endswith(".so") for n in os.listdir(out))
    if built and os.path.exists(stamp) and open(stamp).read() == digest:
        return out
    with open(os.path.join(HERE, "bench_coro.pyx"), "rb") as f:
        data = f.read()
    with open(os.path.join(out, "bench_coro.pyx"), "wb") as f:
        f.write(data)
    env = dict(os.environ, CYN_BUILD_DIR=build_dir(), PYTHONPATH=os.pathsep.join(
        [os.path.join(ROOT, "cython-fork"), os.path.join(ROOT, "stdlib"),
         os.environ.get("PYTHONPATH", "")]))
    # --force: a changed runtime header must regenerate and recompile the module.
    subprocess.check_call([sys.executable, "-m", "cython_nogil.cythonize_cli", "-i", "-q", "-3",
                           "--force", "bench_coro.pyx"], cwd=out, env=env)
    with open(stamp, "w") as f:
        f.write(digest)
    return out


def load():
    out = build()
    if out not in sys.path:
        sys.path.insert(0, out)
    import bench_coro
    return bench_coro


def cpu_seconds():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def peak_rss_kb():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


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
