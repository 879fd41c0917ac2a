#!/usr/bin/env python3
"""`make fuzz`: runs every libFuzzer target for a bounded time on its in-tree corpus.

Targets are `runtime/fuzz/NAME_fuzz.cpp` (built into BUILD/runtime/NAME_fuzz with
-DCYN_FUZZ=ON); the seed corpus is `runtime/fuzz/corpus/NAME/`. New inputs found go to a
scratch folder, not the tree. FUZZ_SECONDS (default 60) bounds each target.
"""

import glob
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(build_dir):
    seconds = int(os.environ.get("FUZZ_SECONDS", "60"))
    targets = sorted(glob.glob(os.path.join(build_dir, "runtime", "*_fuzz")))
    if not targets:
        print("fuzz: no targets built in %s" % build_dir)
        return 1
    status = 0
    for target in targets:
        name = os.path.basename(target)[:-len("_fuzz")]
        corpus = os.path.join(ROOT, "runtime", "fuzz", "corpus", name)
        with tempfile.TemporaryDirectory() as scratch:
            cmd = [target, scratch, corpus, "-max_total_time=%d" % seconds, "-print_final_stats=1"]
            print("fuzz:", " ".join(cmd), flush=True)
            # Any sanitizer report (UBSan included) stops the run and fails `make fuzz`.
            env = dict(os.environ, UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1")
            status |= subprocess.call(cmd, env=env)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build-fuzz")))
