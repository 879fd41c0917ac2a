#!/usr/bin/env python3
"""Fetches upstream Cython's own test files (they ship in its sdist, not its wheels).

Downloads the sdist of the pinned Cython release from PyPI once into .cache/ and unpacks it;
prints the path of its tests/run folder. Used by tests/upstream.
"""

import glob
import os
import subprocess
import sys
import tarfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "cython-fork"))
from cython_nogil.version import SUPPORTED_CYTHON  # noqa: E402

VERSION = SUPPORTED_CYTHON[-1]
CACHE = os.path.join(ROOT, ".cache", "upstream")


def tests_run_dir():
    target = os.path.join(CACHE, "cython-%s" % VERSION, "tests", "run")
    if os.path.isdir(target):
        return target
    os.makedirs(CACHE, exist_ok=True)
    archives = glob.glob(os.path.join(CACHE, "cython-%s.tar.gz" % VERSION))
    if not archives:
        subprocess.check_call([sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                               "--no-binary", ":all:", "cython==%s" % VERSION, "-d", CACHE])
        archives = glob.glob(os.path.join(CACHE, "cython-%s.tar.gz" % VERSION))
    with tarfile.open(archives[0]) as tar:
        members = [m for m in tar.getmembers() if "/tests/run/" in m.name]
        tar.extractall(CACHE, members=members, filter="data")
    return target


if __name__ == "__main__":
    print(tests_run_dir())
