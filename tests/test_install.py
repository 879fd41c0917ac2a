"""The distribution installs, activates, compiles and uninstalls like a real tool.

One fresh virtual environment per run: `pip install .` from the checkout, then the plain
upstream commands (`cython --version`, `cythonize -i`, a setup.py calling
`Cython.Build.cythonize`) compile a nogil class with no extra flags; CYTHON_NOGIL_DISABLE=1
gives stock Cython back; `pip uninstall` removes every file, the .pth hook included.
"""

import os
import subprocess
import sys
import textwrap

import pytest

import cynharness as H

PROBE = textwrap.dedent('''
    cdef class Point nogil:
        cdef double x, y
        def __init__(self, double x, double y):
            self.x = x
            self.y = y
        cdef double norm2(self):
            return self.x * self.x + self.y * self.y

    cdef double compute() nogil:
        p = Point(3, 4)
        return p.norm2()

    def main():
        cdef double r
        with nogil:
            r = compute()
        return r
''')


def _run(cmd, cwd, env, timeout=900):
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    return proc


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    root = tmp_path_factory.mktemp("venv")
    env_dir = root / "env"
    subprocess.run([sys.executable, "-m", "venv", str(env_dir)], check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CYN_BUILD_DIR")}
    env["PATH"] = str(env_dir / "bin") + os.pathsep + env["PATH"]
    env["VIRTUAL_ENV"] = str(env_dir)
    proc = _run([str(env_dir / "bin" / "pip"), "install", "-q", H.ROOT], cwd=str(root), env=env)
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-5000:]
    return env_dir, env


def test_cython_version_names_the_fork(venv, tmp_path):
    env_dir, env = venv
    proc = _run([str(env_dir / "bin" / "cython"), "--version"], cwd=str(tmp_path), env=env)
    assert proc.returncode == 0, proc.stderr
    assert "cython-nogil" in proc.stdout and "3.3.1" in proc.stdout


def test_plain_cythonize_builds_a_nogil_class(venv, tmp_path):
    env_dir, env = venv
    (tmp_path / "probe.pyx").write_text(PROBE)
    proc = _run([str(env_dir / "bin" / "cythonize"), "-i", "-q", "probe.pyx"], cwd=str(tmp_path), env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    run = _run([str(env_dir / "bin" / "python"), "-c", "import probe; print(probe.main())"],
               cwd=str(tmp_path), env=env)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "25.0"


def test_examples_point_builds_with_plain_cythonize(venv, tmp_path):
    env_dir, env = venv
    source = os.path.join(H.ROOT, "examples", "point.pyx")
    (tmp_path / "point.pyx").write_bytes(open(source, "rb").read())
    proc = _run([str(env_dir / "bin" / "cythonize"), "-i", "-q", "point.pyx"], cwd=str(tmp_path), env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    run = _run([str(env_dir / "bin" / "python"), "-c", "import point; point.main()"],
               cwd=str(tmp_path), env=env)
    assert run.returncode == 0, run.stdout + run.stderr


def test_setup_py_with_upstream_cythonize(venv, tmp_path):
    env_dir, env = venv
    (tmp_path / "probe2.pyx").write_text(PROBE)
    (tmp_path / "setup.py").write_text(textwrap.dedent('''
        from setuptools import setup
        from Cython.Build import cythonize
        setup(name="probe2", ext_modules=cythonize("probe2.pyx", quiet=True))
    '''))
    proc = _run([str(env_dir / "bin" / "python"), "setup.py", "-q", "build_ext", "--inplace"],
                cwd=str(tmp_path), env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    run = _run([str(env_dir / "bin" / "python"), "-c", "import probe2; print(probe2.main())"],
               cwd=str(tmp_path), env=env)
    assert run.stdout.strip() == "25.0", run.stderr


def test_disable_variable_gives_stock_cython(venv, tmp_path):
    env_dir, env = venv
    (tmp_path / "probe3.pyx").write_text(PROBE)
    off = dict(env, CYTHON_NOGIL_DISABLE="1")
    proc = _run([str(env_dir / "bin" / "cython"), "--cplus", "probe3.pyx"], cwd=str(tmp_path), env=off)
    assert proc.returncode != 0            # stock Cython does not know nogil classes
    assert "Traceback" not in proc.stderr
    version = _run([str(env_dir / "bin" / "cython"), "--version"], cwd=str(tmp_path), env=off)
    assert "cython-nogil" not in version.stdout


def test_uninstall_removes_everything(venv, tmp_path):
    env_dir, env = venv
    py = str(env_dir / "bin" / "python")
    where = _run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                 cwd=str(tmp_path), env=env).stdout.strip()
    assert os.path.exists(os.path.join(where, "cython_nogil.pth"))
    assert os.path.exists(os.path.join(where, "cython_nogil", "runtime", "lib", "libcyn.so"))
    proc = _run([str(env_dir / "bin" / "pip"), "uninstall", "-y", "-q", "cython-nogil"],
                cwd=str(tmp_path), env=env)
    assert proc.returncode == 0, proc.stderr
    leftovers = [n for n in os.listdir(where) if n.startswith(("cython_nogil", "cyn"))]
    assert leftovers == []
