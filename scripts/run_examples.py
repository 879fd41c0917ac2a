#!/usr/bin/env python3
"""Builds every example in examples/ through the fork and runs the ones that have `main()`.

Servers (hello, fib) are built here and started by scripts/demo.py. Exit status is non-zero
when an example fails to build or its main() raises.
"""

import glob
import importlib
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(os.environ.get("CYN_BUILD_DIR", os.path.join(ROOT, "build")), "examples")


def build(sources):
    os.makedirs(OUT, exist_ok=True)
    for src in sources:
        dst = os.path.join(OUT, os.path.basename(src))
        with open(src, "rb") as f_in:
            data = f_in.read()
        if not os.path.exists(dst) or open(dst, "rb").read() != data:
            with open(dst, "wb") as f_out:
                f_out.write(data)
    names = [os.path.basename(s) for s in sources if s.endswith(".pyx")]
    subprocess.check_call([sys.executable, "-m", "cython_nogil.cythonize_cli", "-i", "-q", "-3", *names],
                          cwd=OUT)


def main():
    sources = sorted(glob.glob(os.path.join(ROOT, "examples", "*.pyx")) +
                     glob.glob(os.path.join(ROOT, "examples", "*.pxd")))
    if not sources:
        print("no examples yet")
        return 0
    build(sources)
    sys.path.insert(0, OUT)
    failed = 0
    for src in sources:
        if not src.endswith(".pyx"):
            continue
        name = os.path.splitext(os.path.basename(src))[0]
        module = importlib.import_module(name)
        if hasattr(module, "main"):
            print("== examples/%s.pyx: main()" % name)
            try:
                result = module.main()
                if result is not None:
                    print(result)
            except Exception as exc:  # report and go on with the other examples
                failed += 1
                print("   FAILED: %r" % (exc,))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
