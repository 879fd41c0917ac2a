"""Builds .pyx modules through the fork, exactly as a user would (the `cythonize` command).

One piece used by the test harness (tests/cynharness.py), the benchmarks and the examples:
the sources are copied into a folder keyed by a hash of their content and of everything that
changes the generated code (the overlay, the runtime headers, the stdlib .pxd files), built
there with `python -m cython_nogil.cythonize_cli -i` and the folder renamed into place, so
an unchanged module is never rebuilt and two processes never see a half-built one.
"""

import glob
import hashlib
import importlib
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FORK_DIR = os.path.join(ROOT, "cython-fork")
STDLIB_DIR = os.path.join(ROOT, "stdlib")
RUNTIME_INCLUDE = os.path.join(ROOT, "runtime", "include")


class BuildError(Exception):
    """The compiler or the C++ build failed; the message carries their output."""


def build_dir():
    path = os.environ.get("CYN_BUILD_DIR") or os.path.join(ROOT, "build")
    return path if os.path.isabs(path) else os.path.join(ROOT, path)


def compiler_env(disable_overlay=False):
    """The environment of a compiler process: the checkout's overlay and stdlib first."""
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


def _has_extensions(folder, sources):
    for source in sources:
        name = os.path.splitext(os.path.basename(source))[0]
        if not [p for p in glob.glob(os.path.join(folder, name + ".*.so")) if os.path.getsize(p) > 0]:
            return False
    return True


def _is_built(folder, sources):
    return os.path.exists(os.path.join(folder, ".built")) and _has_extensions(folder, sources)


def build(sources, cache_dir, extra_files=(), name=None):
    """Compiles `sources` (.pyx paths, built together, in order) with `extra_files` (.pxd,
    headers) beside them into a folder under `cache_dir`; returns that folder."""
    name = name or os.path.splitext(os.path.basename(sources[-1]))[0]
    h = hashlib.sha256(compiler_digest().encode())
    for path in list(sources) + list(extra_files):
        h.update(os.path.basename(path).encode())
        with open(path, "rb") as f:
            h.update(f.read())
    out_dir = os.path.join(cache_dir, "%s-%s" % (name, h.hexdigest()[:16]))
    if _is_built(out_dir, sources):
        return out_dir
    work_dir = "%s.tmp-%d" % (out_dir, os.getpid())
    shutil.rmtree(work_dir, ignore_errors=True)
    os.makedirs(work_dir)
    for path in list(sources) + list(extra_files):
        shutil.copyfile(path, os.path.join(work_dir, os.path.basename(path)))
    cmd = [sys.executable, "-m", "cython_nogil.cythonize_cli", "-i", "-q", "-3"]
    cmd += [os.path.basename(s) for s in sources]
    proc = subprocess.run(cmd, cwd=work_dir, env=compiler_env(), capture_output=True, text=True,
                          timeout=900)
    if proc.returncode != 0 or not _has_extensions(work_dir, sources):
        shutil.rmtree(work_dir, ignore_errors=True)
        raise BuildError("build of %s failed (exit %d):\n%s\n%s" % (
            os.path.basename(sources[-1]), proc.returncode, proc.stdout[-20000:], proc.stderr[-20000:]))
    with open(os.path.join(work_dir, ".built"), "w") as f:
        f.write("ok\n")
    try:
        os.rename(work_dir, out_dir)
    except OSError:              # another process finished the same build first
        shutil.rmtree(work_dir, ignore_errors=True)
        if not _is_built(out_dir, sources):
            raise
    return out_dir


def build_and_import(pyx_path, cache_dir):
    """Builds one module and imports it (benchmarks, examples)."""
    folder = build([pyx_path], cache_dir)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return importlib.import_module(os.path.splitext(os.path.basename(pyx_path))[0])
