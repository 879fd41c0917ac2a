"""The distribution installs, activates, compiles and uninstalls like a real tool.

One fresh virtual environment per run: `pip install .` from the checkout, then the plain
upstream commands (`cython --version`, `cythonize -i`, a setup.py calling
`Cython.Build.cythonize`) compile a nogil class with no extra flags; CYTHON_NOGIL_DISABLE=1
gives stock Cython back; `pip uninstall` removes every file, the .pth hook included.
"""

import os
import shutil
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


def test_plain_cythonize_reports_a_compile_error_without_traceback(venv, tmp_path):
    env_dir, env = venv
    (tmp_path / "broken.pyx").write_text(
        "# distutils: language = c++\n"
        "cdef class Broken nogil:\n"
        "    cdef object payload\n")
    proc = _run([str(env_dir / "bin" / "cythonize"), "-i", "-q", "broken.pyx"], cwd=str(tmp_path), env=env)
    assert proc.returncode == 1
    assert "broken.pyx:3:" in proc.stderr, proc.stderr[-3000:]
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr[-3000:]


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


SHAPES_PXD = textwrap.dedent('''
    cdef class Shape nogil:
        cdef double w, h
        def __init__(self, double w, double h)
        cdef double area(self)
''')

SHAPES_PYX = textwrap.dedent('''
    cdef class Shape nogil:
        def __init__(self, double w, double h):
            self.w = w
            self.h = h
        cdef double area(self):
            return self.w * self.h
''')

USER_PYX = textwrap.dedent('''
    from %s cimport Shape

    cdef class Framed(Shape) nogil:
        cdef double border
        def __init__(self, double w, double h, double border):
            Shape.__init__(self, w, h)
            self.border = border
        cdef double area(self):
            return Shape.area(self) + self.border

    cdef double compute() nogil:
        cdef Shape s = Framed(2, 3, 1)
        return s.area() + Shape(1, 1).area()

    def main():
        return compute()

    def framed():
        return Framed(1, 1, 1)
''')


def _write_package(root, package):
    pkg = root / package
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "shapes.pxd").write_text(SHAPES_PXD)
    (pkg / "shapes.pyx").write_text(SHAPES_PYX)
    (pkg / "user.pyx").write_text(USER_PYX % (package + ".shapes"))


def test_setup_py_project_whose_modules_share_nogil_classes_relocates(venv, tmp_path):
    """A project where one module subclasses a nogil class of another, built by setup.py
    into a build folder (as pip does), then moved elsewhere (as installing does): the user
    module finds the provider through its $ORIGIN-relative rpath."""
    env_dir, env = venv
    project = tmp_path / "project"
    project.mkdir()
    _write_package(project, "crosspkg")
    (project / "setup.py").write_text(textwrap.dedent('''
        from setuptools import setup
        from Cython.Build import cythonize
        setup(name="crosspkg", version="1.0", packages=["crosspkg"],
              ext_modules=cythonize(["crosspkg/user.pyx", "crosspkg/shapes.pyx"], quiet=True))
    '''))
    build_lib = tmp_path / "build-lib"
    proc = _run([str(env_dir / "bin" / "python"), "setup.py", "-q", "build_ext", "--build-lib",
                 str(build_lib)], cwd=str(project), env=env)
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-5000:]
    site = tmp_path / "site"
    shutil.copytree(build_lib, site)
    shutil.copy(project / "crosspkg" / "__init__.py", site / "crosspkg" / "__init__.py")
    shutil.rmtree(build_lib)
    shutil.rmtree(project)
    code = ("import crosspkg.user as u, crosspkg.shapes as s; print(u.main()); "
            "f = u.framed(); print(isinstance(f, s.Shape), type(f).__mro__[1].__name__)")
    run = _run([str(env_dir / "bin" / "python"), "-c", code], cwd=str(tmp_path),
               env=dict(env, PYTHONPATH=str(site)))
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.split() == ["8.0", "True", "Shape"]


def test_cythonize_user_after_its_provider_in_two_commands(venv, tmp_path):
    env_dir, env = venv
    _write_package(tmp_path, "twostep")
    cythonize = str(env_dir / "bin" / "cythonize")
    first = _run([cythonize, "-i", "-q", "twostep/shapes.pyx"], cwd=str(tmp_path), env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    second = _run([cythonize, "-i", "-q", "twostep/user.pyx"], cwd=str(tmp_path), env=env)
    assert second.returncode == 0, second.stdout + second.stderr
    run = _run([str(env_dir / "bin" / "python"), "-c", "import twostep.user as u; print(u.main())"],
               cwd=str(tmp_path), env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip() == "8.0"


def test_user_built_before_its_provider_is_a_clear_error(venv, tmp_path):
    env_dir, env = venv
    _write_package(tmp_path, "early")
    proc = _run([str(env_dir / "bin" / "cythonize"), "-i", "-q", "early/user.pyx"],
                cwd=str(tmp_path), env=env)
    assert proc.returncode != 0
    assert "early.shapes" in proc.stderr and "was not found" in proc.stderr, proc.stderr[-3000:]


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
