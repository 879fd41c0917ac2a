"""Shared machinery of the test suite: compiling .pyx files through the fork.

Everything is built exactly as a user builds it: through `cythonize` with the overlay active
(`python -m cython_nogil.cythonize_cli`, the same code path as the installed `cythonize`), in
a cache folder keyed by the content of the inputs and of the compiler, so reruns are fast.
"""

import ctypes
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts"))
from cynbuild import (ROOT, BuildError, build, build_and_import, build_dir,  # noqa: E402,F401
                      compiler_digest, compiler_env)
CACHE_DIR = os.environ.get("CYN_TEST_CACHE") or os.path.join(ROOT, "tests", ".build")
FILECHECK = os.environ.get("FILECHECK") or "/usr/lib/llvm-14/bin/FileCheck"


def libcyn_path():
    return os.path.join(build_dir(), "runtime", "libcyn.so")


REQUIRES = re.compile(r"^#\s*requires:\s*(.+)$", re.MULTILINE)


def required_modules(pyx_path):
    with open(pyx_path, encoding="utf-8") as f:
        text = f.read()
    names = []
    for match in REQUIRES.finditer(text):
        names += [n.strip() for n in match.group(1).replace(",", " ").split() if n.strip()]
    return names


def build_modules(pyx_path):
    """Compiles `pyx_path` (and the modules it names in `# requires:`) into an importable
    folder; returns that folder. Raises BuildError with the compiler's output on failure."""
    source_dir = os.path.dirname(os.path.abspath(pyx_path))
    sources = [os.path.join(source_dir, name + ".pyx") for name in required_modules(pyx_path)]
    sources.append(os.path.abspath(pyx_path))
    extras = [os.path.join(source_dir, f) for f in sorted(os.listdir(source_dir))
              if f.endswith((".pxd", ".pxi", ".h", ".hpp"))]
    return build(sources, CACHE_DIR, extras)


def cython_generate(pyx_path, out_path, cplus=True, disable_overlay=False, extra_args=()):
    """Runs the `cython` command (with or without the overlay); returns the CompletedProcess."""
    cmd = [sys.executable, "-m", "cython_nogil"]
    if cplus:
        cmd.append("--cplus")
    cmd += ["-3", *extra_args, "-o", out_path, pyx_path]
    return subprocess.run(cmd, cwd=os.path.dirname(os.path.abspath(pyx_path)),
                          env=compiler_env(disable_overlay), capture_output=True, text=True, timeout=600)


ERROR_LINE = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): (?P<msg>.*)$")


def reported_errors(output, file_name):
    """`line:col: message` for every error the compiler reported against `file_name`, and
    `name.pxd:line:col: message` for those against its own .pxd."""
    pxd_name = os.path.splitext(file_name)[0] + ".pxd"
    found = []
    for line in output.splitlines():
        m = ERROR_LINE.match(line.strip())
        if not m:
            continue
        where = os.path.basename(m.group("file"))
        if where not in (file_name, pxd_name):
            continue
        entry = "%s:%s: %s" % (m.group("line"), m.group("col"), m.group("msg"))
        if where == pxd_name:
            entry = "%s:%s" % (pxd_name, entry)
        if entry not in found:
            found.append(entry)
    return found


def expected_errors(pyx_path):
    with open(pyx_path, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r'^_ERRORS\s*=\s*u?"""(.*?)"""', text, re.MULTILINE | re.DOTALL)
    if not m:
        return None
    return [line.strip() for line in m.group(1).strip().splitlines() if line.strip()]


_libcyn = None


def live_objects():
    global _libcyn
    if _libcyn is None:
        _libcyn = ctypes.CDLL(libcyn_path())
        _libcyn.cyn_live_objects.restype = ctypes.c_int64
    return _libcyn.cyn_live_objects()
