"""Upstream Cython 3.3.1's own tests/run files go through the fork exactly as through stock.

For every file of the fixed list `files.txt` (no nogil classes in any of them), the code the
fork generates must be byte-identical to stock Cython's, so behaviour is identical by
construction; a sample is also built with the fork and its doctests run, to prove the fork's
output is a working module. `make test` runs every 5th file of the list; `make test-upstream`
(CYN_UPSTREAM_ALL=1) runs all of them.
"""

import os
import subprocess
import sys

import pytest

import cynharness as H

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(H.ROOT, "scripts"))
import fetch_upstream_tests  # noqa: E402

with open(os.path.join(HERE, "files.txt")) as f:
    ALL_FILES = [line.strip() for line in f if line.strip() and not line.startswith("#")]
FILES = ALL_FILES if os.environ.get("CYN_UPSTREAM_ALL") else ALL_FILES[::5]
RUN_SAMPLE = ALL_FILES[::20] if os.environ.get("CYN_UPSTREAM_ALL") else ALL_FILES[::40]


@pytest.fixture(scope="module")
def upstream_dir():
    return fetch_upstream_tests.tests_run_dir()


def _is_cpp(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        head = f.read(2000)
    return any(line.startswith("# tag:") and "cpp" in line for line in head.splitlines())


def test_list_is_large_enough():
    assert len(ALL_FILES) >= 200


@pytest.mark.parametrize("name", FILES)
def test_fork_generates_identical_code(name, upstream_dir, tmp_path):
    source = os.path.join(upstream_dir, name)
    cplus = _is_cpp(source)
    stock = H.cython_generate(source, str(tmp_path / "stock.c"), cplus=cplus, disable_overlay=True)
    fork = H.cython_generate(source, str(tmp_path / "fork.c"), cplus=cplus)
    assert stock.returncode == 0, stock.stderr
    assert fork.returncode == 0, fork.stderr
    assert (tmp_path / "stock.c").read_bytes() == (tmp_path / "fork.c").read_bytes()


@pytest.mark.parametrize("name", RUN_SAMPLE)
def test_fork_built_module_passes_its_doctests(name, upstream_dir, tmp_path):
    source = os.path.join(upstream_dir, name)
    work = tmp_path / "mod"
    work.mkdir()
    data = open(source, "rb").read()
    if _is_cpp(source):   # upstream's runner passes --cplus for these; cythonize reads the directive
        data = b"# distutils: language = c++\n# distutils: extra_compile_args = -std=c++20\n" + data
    (work / name).write_bytes(data)
    for extra in os.listdir(upstream_dir):   # helper headers/pxds a test may include
        if extra.endswith((".h", ".pxd")) and extra.startswith(name[:-4]):
            (work / extra).write_bytes(open(os.path.join(upstream_dir, extra), "rb").read())
    proc = subprocess.run([sys.executable, "-m", "cython_nogil.cythonize_cli", "-i", "-q", "-3", name],
                          cwd=work, env=H.compiler_env(), capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # In a fresh interpreter, so that what earlier tests of the worker loaded cannot change the
    # result (cpp_stl_atomic once crashed after a nogil test module: tests/test_runtime_coexistence.py).
    run_doctests = ("import doctest, sys; sys.path.insert(0, %r); import %s as m; "
                    "r = doctest.testmod(m, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE); "
                    "sys.exit(1 if r.failed else 0)" % (str(work), name[:-4]))
    done = subprocess.run([sys.executable, "-c", run_doctests], cwd=work, env=H.compiler_env(),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
