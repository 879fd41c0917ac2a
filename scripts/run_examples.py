#!/usr/bin/env python3
"""Builds every example in examples/ through the fork and runs the ones that have `main()`.

Servers (hello, fib) are built here and started by scripts/demo.py. Exit status is non-zero
when an example fails to build or its main() raises.
"""

import glob
import importlib
import os
import sys

import cynbuild

ROOT = cynbuild.ROOT
OUT = os.path.join(cynbuild.build_dir(), "examples")


def main():
    sources = sorted(glob.glob(os.path.join(ROOT, "examples", "*.pyx")) +
                     glob.glob(os.path.join(ROOT, "examples", "*.pxd")))
    if not sources:
        print("no examples yet")
        return 0
    pyx = [s for s in sources if s.endswith(".pyx")]
    pxd = [s for s in sources if not s.endswith(".pyx")]
    sys.path.insert(0, cynbuild.build(pyx, OUT, pxd, name="examples"))
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
