"""What every peer process of benchmarks/coro shares: the benchmark names with their default
sizes, the command line (`PEER NAME [N]`) and the peak-RSS figure the table reports."""

import resource
import sys

DEFAULT_N = {"spawn": 500000, "spawn_yield": 500000, "skynet": 1000000, "pingpong": 1000000}


def benchmark_and_size(argv=None):
    """(name, n) from `PEER NAME [N]`; N <= 0 or absent gives the benchmark's default."""
    argv = sys.argv if argv is None else argv
    if len(argv) < 2 or argv[1] not in DEFAULT_N:
        sys.exit("usage: %s %s [n]" % (argv[0], "|".join(DEFAULT_N)))
    name = argv[1]
    n = int(argv[2]) if len(argv) > 2 else 0
    return name, (n if n > 0 else DEFAULT_N[name])


def peak_rss_kb():
    """VmHWM: this process image's peak RSS (ru_maxrss would include the parent's)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
