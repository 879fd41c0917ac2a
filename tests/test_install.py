"""The distribution installs, activates, compiles and uninstalls like a real tool.

One fresh virtual environment per run with the checkout's wheel (`pip wheel .`) installed:
the plain upstream commands (`cython --version`, `cythonize -i`, a setup.py calling
`Cython.Build.cythonize`, setuptools' own .pyx support, pyximport) compile a nogil class with
no extra flags; a project built by pip in an isolated environment finds libcyn once
installed; CYTHON_NOGIL_DISABLE=1 gives stock Cython back; `pip uninstall` removes every
file, the .pth hook included. `pip install cython-fork/` and `pip install -e .` get venvs of
their own.
"""

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

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


def _clean_env():
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CYN_BUILD_DIR")}


@contextlib.contextmanager
def _in_tree_build():
    """pip builds the checkout in place (CMake in build-pip/runtime): one build at a time, as
    pytest-xdist workers would otherwise run two CMake builds in one folder."""
    lock_dir = os.path.join(H.ROOT, "build-pip")
    os.makedirs(lock_dir, exist_ok=True)
    with open(os.path.join(lock_dir, ".in-tree-build.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _new_venv(root, install_args):
    """A fresh virtual environment under `root` with `pip install *install_args` done."""
    env_dir = root / "env"
    subprocess.run([sys.executable, "-m", "venv", str(env_dir)], check=True)
    env = _clean_env()
    env["PATH"] = str(env_dir / "bin") + os.pathsep + env["PATH"]
    env["VIRTUAL_ENV"] = str(env_dir)
    with _in_tree_build():
        proc = _run([str(env_dir / "bin" / "pip"), "install", "-q"] + list(install_args),
                    cwd=str(root), env=env)
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-5000:]
    return env_dir, env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The cython-nogil wheel of this checkout (`pip wheel .`)."""
    folder = tmp_path_factory.mktemp("wheels")
    with _in_tree_build():
        proc = _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", H.ROOT, "-w",
                     str(folder)], cwd=str(folder), env=_clean_env())
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-5000:]
    (path,) = folder.glob("cython_nogil-*.whl")
    return path


@pytest.fixture(scope="module")
def venv(tmp_path_factory, wheel):
    return _new_venv(tmp_path_factory.mktemp("venv"), [str(wheel)])


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


def _runpath(shared_object):
    dynamic = subprocess.run(["readelf", "-d", str(shared_object)], capture_output=True,
                             text=True).stdout
    return [line.split("[", 1)[1].rstrip("]") for line in dynamic.splitlines()
            if "(RUNPATH)" in line or "(RPATH)" in line]


def test_build_isolated_pip_install_finds_libcyn_installed_beside_it(venv, wheel, tmp_path):
    """A project whose pyproject.toml build-requires cython-nogil, built by pip in an isolated
    environment that is deleted afterwards: its module (one package deep) finds the libcyn of
    the cython-nogil installed in the same site-packages through `$ORIGIN/..`."""
    env_dir, env = venv
    project = tmp_path / "isolated"
    (project / "isopkg").mkdir(parents=True)
    (project / "isopkg" / "__init__.py").write_text("")
    (project / "isopkg" / "inner.pyx").write_text(PROBE)
    (project / "pyproject.toml").write_text(textwrap.dedent('''
        [build-system]
        requires = ["setuptools>=64", "cython-nogil @ %s"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "isopkg"
        version = "0.1"
    ''' % wheel.as_uri()))
    (project / "setup.py").write_text(textwrap.dedent('''
        from setuptools import setup
        from Cython.Build import cythonize
        setup(packages=["isopkg"], ext_modules=cythonize("isopkg/inner.pyx", quiet=True))
    '''))
    # built by an interpreter without cython-nogil: only the isolated build env has it
    built = _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(project), "-w",
                  str(tmp_path / "dist")], cwd=str(tmp_path), env=_clean_env())
    assert built.returncode == 0, built.stdout[-5000:] + built.stderr[-5000:]
    (project_wheel,) = (tmp_path / "dist").glob("isopkg-*.whl")
    proc = _run([str(env_dir / "bin" / "pip"), "install", "-q", str(project_wheel)],
                cwd=str(tmp_path), env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    site = _run([str(env_dir / "bin" / "python"), "-c",
                 "import sysconfig; print(sysconfig.get_paths()['platlib'])"],
                cwd=str(tmp_path), env=env).stdout.strip()
    (module,) = (Path(site) / "isopkg").glob("inner.*.so")
    runpath = ":".join(_runpath(module))
    assert "$ORIGIN/../cython_nogil/runtime/lib" in runpath, runpath
    assert "pip-build-env" in runpath, runpath     # the absolute entry alone is dangling
    run = _run([str(env_dir / "bin" / "python"), "-c", "import isopkg.inner as m; print(m.main())"],
               cwd=str(tmp_path), env=env)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "25.0"


def test_installed_runtime_rpath_follows_the_package_depth():
    sys.path.insert(0, os.path.join(H.ROOT, "cython-fork"))
    try:
        from cython_nogil import build
    finally:
        sys.path.pop(0)
    assert build.installed_runtime_rpath("top") == "-Wl,-rpath,$ORIGIN/cython_nogil/runtime/lib"
    assert build.installed_runtime_rpath("a.b.c") == \
        "-Wl,-rpath,$ORIGIN/../../cython_nogil/runtime/lib"


def test_pip_install_of_the_cython_fork_folder_installs_the_same_distribution(venv, tmp_path):
    env_dir, env = venv
    fork_env_dir, fork_env = _new_venv(tmp_path, [os.path.join(H.ROOT, "cython-fork")])

    def installed_files(directory, environment):
        record = _run([str(directory / "bin" / "python"), "-c",
                       "import importlib.metadata as m; "
                       "print('\\n'.join(str(f) for f in m.files('cython-nogil')))"],
                      cwd=str(tmp_path), env=environment)
        assert record.returncode == 0, record.stderr
        return {f for f in record.stdout.split() if not f.endswith("direct_url.json")}

    assert installed_files(fork_env_dir, fork_env) == installed_files(env_dir, env)
    version = _run([str(fork_env_dir / "bin" / "cython"), "--version"], cwd=str(tmp_path),
                   env=fork_env)
    assert "cython-nogil" in version.stdout, version.stdout + version.stderr
    leftovers = [n for n in os.listdir(os.path.join(H.ROOT, "cython-fork"))
                 if n.endswith(".egg-info") or n == "build"]
    assert leftovers == []


def test_text_that_only_shows_a_nogil_class_builds_a_plain_c_module(venv, tmp_path):
    """A docstring, a comment or a string showing `cdef class Point nogil:` or
    `from cyn cimport lib` does not make the module C++ linked against libcyn."""
    env_dir, env = venv
    (tmp_path / "plain.pyx").write_text(textwrap.dedent('''
        """A plain module whose docstring shows cyn syntax:

        cdef class Point nogil:
            cdef double x
        """
        # from cyn cimport lib
        def f():
            return "cdef class Str nogil:" + \'\'\'
        cimport cyn\'\'\'
    '''))
    proc = _run([str(env_dir / "bin" / "cythonize"), "-i", "-q", "plain.pyx"], cwd=str(tmp_path),
                env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "plain.c").exists() and not (tmp_path / "plain.cpp").exists()
    (module,) = tmp_path.glob("plain.*.so")
    needed = subprocess.run(["readelf", "-d", str(module)], capture_output=True, text=True).stdout
    assert "libcyn" not in needed and "cython_nogil" not in needed, needed
    run = _run([str(env_dir / "bin" / "python"), "-c", "import plain; print(plain.f().split())"],
               cwd=str(tmp_path), env=env)
    assert run.stdout.strip() == "['cdef', 'class', 'Str', 'nogil:', 'cimport', 'cyn']", run.stderr


def test_nogil_class_detection_skips_strings_and_comments(tmp_path):
    sys.path.insert(0, os.path.join(H.ROOT, "cython-fork"))
    try:
        from cython_nogil import build
    finally:
        sys.path.pop(0)
    cases = {
        'cdef class P nogil:\n    pass\n': True,
        'x = "it\'s"  # a comment\ncdef class P "c_P" nogil:\n    pass\n': True,
        'from cyn cimport lib\n': True,
        "s = '''\ncdef class Q nogil:\n'''\n": False,
        '"""\nfrom cyn cimport lib\n"""\n': False,
        '# cdef class Commented nogil:\n': False,
        'x = "\\\\"\ncdef class AfterEscape nogil:\n    pass\n': True,
    }
    for index, (text, expected) in enumerate(cases.items()):
        path = tmp_path / ("case%d.pyx" % index)
        path.write_text(text)
        assert build.source_needs_runtime(str(path)) is expected, text


def test_setuptools_extension_without_cythonize_and_pyximport(venv, tmp_path):
    """setuptools' own .pyx support (an Extension, no cythonize call) and pyximport build
    nogil classes with the runtime added, as cythonize does."""
    env_dir, env = venv
    (tmp_path / "plainext.pyx").write_text(PROBE)
    (tmp_path / "setup.py").write_text(textwrap.dedent('''
        from setuptools import Extension, setup
        setup(name="plainext", ext_modules=[Extension("plainext", ["plainext.pyx"])])
    '''))
    proc = _run([str(env_dir / "bin" / "python"), "setup.py", "-q", "build_ext", "--inplace"],
                cwd=str(tmp_path), env=env)
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-5000:]
    run = _run([str(env_dir / "bin" / "python"), "-c", "import plainext; print(plainext.main())"],
               cwd=str(tmp_path), env=env)
    assert run.stdout.strip() == "25.0", run.stderr
    pyxi = tmp_path / "pyxi"
    pyxi.mkdir()
    (pyxi / "viapyximport.pyx").write_text(PROBE)
    run = _run([str(env_dir / "bin" / "python"), "-c",
                "import pyximport; pyximport.install(build_dir=%r, language_level=3)\n"
                "import viapyximport; print(viapyximport.main())" % str(tmp_path / "pyxbld")],
               cwd=str(pyxi), env=env)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert run.stdout.strip().splitlines()[-1] == "25.0"


def test_editable_install_activates_the_overlay(tmp_path):
    env_dir, env = _new_venv(tmp_path, ["-e", H.ROOT])
    (tmp_path / "edited.pyx").write_text(PROBE)
    proc = _run([str(env_dir / "bin" / "cythonize"), "-i", "-q", "edited.pyx"], cwd=str(tmp_path),
                env=env)
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-5000:]
    run = _run([str(env_dir / "bin" / "python"), "-c", "import edited; print(edited.main())"],
               cwd=str(tmp_path), env=env)
    assert run.stdout.strip() == "25.0", run.stderr
    proc = _run([str(env_dir / "bin" / "pip"), "uninstall", "-y", "-q", "cython-nogil"],
                cwd=str(tmp_path), env=env)
    assert proc.returncode == 0, proc.stderr
    site = _run([str(env_dir / "bin" / "python"), "-c",
                 "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                cwd=str(tmp_path), env=env).stdout.strip()
    assert [n for n in os.listdir(site) if "cython_nogil" in n] == []


# Last: it uninstalls from the shared venv.
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
