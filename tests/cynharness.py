"""Shared machinery of the test suite: compiling .pyx files through the fork.

Everything is built exactly as a user builds it: through `cythonize` with the overlay active
(`python -m cython_nogil.cythonize_cli`, the same code path as the installed `cythonize`), in
a cache folder keyed by the content of the inputs and of the compiler, so reruns are fast.
"""

import ctypes
import hashlib
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FORK_DIR = os.path.join(ROOT, "cython-fork")
STDLIB_DIR = os.path.join(ROOT, "stdlib")
RUNTIME_INCLUDE = os.path.join(ROOT, "runtime", "include")
CACHE_DIR = os.environ.get("CYN_TEST_CACHE") or os.path.join(ROOT, "tests", ".build")
FILECHECK = os.environ.get("FILECHECK") or "/usr/lib/llvm-14/bin/FileCheck"


def build_dir():
    path = os.environ.get("CYN_BUILD_DIR") or os.path.join(ROOT, "build")
    return path if os.path.isabs(path) else os.path.join(ROOT, path)


def libcyn_path():
    return os.path.join(build_dir(), "runtime", "libcyn.so")


def compiler_env(disable_overlay=False):
    env = dict(os.environ)
    paths = [FORK_DIR, STDLIB_DIR] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env["CYN_BUILD_DIR"] = build_dir()
    if disable_overlay:
        env["CYTHON_NOGIL_DISABLE"] = "1"
    else:
        env.pop("CYTHON_NOGIL_DISABLE", None)
    return env


def _hash_tree(h, folder, suffixes):
    for base, dirs, files in sorted(os.walk(folder)):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(suffixes):
                path = os.path.join(base, name)
                h.update(path[len(folder):].encode())
                with open(path, "rb") as f:
                    h.update(f.read())


_compiler_digest = None


def compiler_digest():
    """Hash of everything that changes generated code: overlay, headers, stdlib .pxd."""
    global _compiler_digest
    if _compiler_digest is None:
        h = hashlib.sha256()
        _hash_tree(h, FORK_DIR, (".py",))
        _hash_tree(h, RUNTIME_INCLUDE, (".hpp", ".h"))
        _hash_tree(h, STDLIB_DIR, (".pxd", ".pyx", ".hpp"))
        _compiler_digest = h.hexdigest()[:16]
    return _compiler_digest


REQUIRES = re.compile(r"^#\s*requires:\s*(.+)$", re.MULTILINE)


def required_modules(pyx_path):
    with open(pyx_path, encoding="utf-8") as f:
        text = f.read()
    names = []
    for match in REQUIRES.finditer(text):
        names += [n.strip() for n in match.group(1).replace(",", " ").split() if n.strip()]
    return names


class BuildError(Exception):
    pass


def _has_extensions(folder, sources):
    import glob
    for source in sources:
        name = os.path.splitext(os.path.basename(source))[0]
        found = [p for p in glob.glob(os.path.join(folder, name + ".*.so")) if os.path.getsize(p) > 0]
        if not found:
            return False
    return True


def _is_built(folder, sources):
    return os.path.exists(os.path.join(folder, ".built")) and _has_extensions(folder, sources)


def build_modules(pyx_path):
    """Compiles `pyx_path` (and the modules it names in `# requires:`) into an importable
    folder; returns that folder. Raises BuildError with the compiler's output on failure."""
    source_dir = os.path.dirname(os.path.abspath(pyx_path))
    module = os.path.splitext(os.path.basename(pyx_path))[0]
    sources = [os.path.join(source_dir, name + ".pyx") for name in required_modules(pyx_path)]
    sources.append(os.path.abspath(pyx_path))
    pxds = sorted(f for f in os.listdir(source_dir) if f.endswith((".pxd", ".pxi", ".h", ".hpp")))

    h = hashlib.sha256(compiler_digest().encode())
    for path in sources + [os.path.join(source_dir, p) for p in pxds]:
        h.update(os.path.basename(path).encode())
        with open(path, "rb") as f:
            h.update(f.read())
    out_dir = os.path.join(CACHE_DIR, "%s-%s" % (module, h.hexdigest()[:16]))
    if _is_built(out_dir, sources):
        return out_dir
    # Build in a private folder and rename it into place: two processes building the same
    # inputs at once (parallel test runs) never see each other's half-written files.
    work_dir = "%s.tmp-%d" % (out_dir, os.getpid())
    shutil.rmtree(work_dir, ignore_errors=True)
    os.makedirs(work_dir)
    for path in sources + [os.path.join(source_dir, p) for p in pxds]:
        shutil.copyfile(path, os.path.join(work_dir, os.path.basename(path)))
    cmd = [sys.executable, "-m", "cython_nogil.cythonize_cli", "-i", "-q", "-3"]
    cmd += [os.path.basename(s) for s in sources]
    proc = subprocess.run(cmd, cwd=work_dir, env=compiler_env(), capture_output=True, text=True,
                          timeout=900)
    if proc.returncode != 0 or not _has_extensions(work_dir, sources):
        shutil.rmtree(work_dir, ignore_errors=True)
        raise BuildError("build of %s failed (exit %d):\n%s\n%s" % (
            os.path.basename(pyx_path), proc.returncode, proc.stdout[-20000:], proc.stderr[-20000:]))
    with open(os.path.join(work_dir, ".built"), "w") as f:
        f.write("ok\n")
    try:
        os.rename(work_dir, out_dir)
    except OSError:              # another process finished the same build first
        shutil.rmtree(work_dir, ignore_errors=True)
        if not _is_built(out_dir, sources):
            raise
    return out_dir


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
    """`line:col: message` for every error the compiler reported against `file_name`."""
    found = []
    for line in output.splitlines():
        m = ERROR_LINE.match(line.strip())
        if m and os.path.basename(m.group("file")) == file_name:
            entry = "%s:%s: %s" % (m.group("line"), m.group("col"), m.group("msg"))
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
