"""Building modules that share nogil classes (SPEC §1 last bullet), beyond one compile:
the user module is linked against the provider's shared object, and importing it next to a
different copy of the provider is a clear ImportError, not two silently diverging copies."""

import os
import shutil
import subprocess
import sys
import textwrap

import cynharness as H

PROVIDER_PXD = textwrap.dedent('''
    cdef class Counter nogil:
        cdef long value
        cdef long bump(self)
''')

PROVIDER_PYX = textwrap.dedent('''
    # distutils: language = c++
    cdef class Counter nogil:
        cdef long bump(self):
            self.value += 1
            return self.value
''')

USER_PYX = textwrap.dedent('''
    # distutils: language = c++
    from xprovider cimport Counter

    def twice():
        c = Counter()
        c.bump()
        return c.bump()
''')


def _build(tmp_path):
    for name, text in (("xprovider.pxd", PROVIDER_PXD), ("xprovider.pyx", PROVIDER_PYX),
                       ("xuser.pyx", USER_PYX)):
        (tmp_path / name).write_text(text)
    return H.build([str(tmp_path / "xprovider.pyx"), str(tmp_path / "xuser.pyx")],
                   str(tmp_path / "cache"), [str(tmp_path / "xprovider.pxd")])


def _run(code, path, cwd):
    env = dict(H.compiler_env(), PYTHONPATH=os.pathsep.join(path))
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def test_user_module_links_against_its_provider(tmp_path):
    folder = _build(tmp_path)
    needed = subprocess.run(["readelf", "-d", next(
        os.path.join(folder, f) for f in os.listdir(folder)
        if f.startswith("xuser.") and f.endswith(".so"))],
        capture_output=True, text=True).stdout
    assert "xprovider." in needed and "$ORIGIN" in needed, needed
    run = _run("import xuser; print(xuser.twice())", [folder], str(tmp_path))
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "2"


def test_importing_another_copy_of_the_provider_is_a_clear_import_error(tmp_path):
    folder = _build(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for f in os.listdir(folder):
        if f.startswith("xprovider.") and f.endswith(".so"):
            shutil.copy(os.path.join(folder, f), elsewhere / f)
    run = _run("import xprovider, xuser", [str(elsewhere), folder], str(tmp_path))
    assert run.returncode != 0
    assert "ImportError: this module was linked against" in run.stderr, run.stderr
    assert "imported module 'xprovider' from %s" % os.path.realpath(str(elsewhere)) in run.stderr, \
        run.stderr


# Two modules whose nogil classes hold references to each other (a cimport cycle).
CYCLE_A_PXD = textwrap.dedent('''
    from xcycle_b cimport Right
    cdef class Left nogil:
        cdef Right partner
        cdef int value
        cdef int total(self)
''')

CYCLE_A_PYX = textwrap.dedent('''
    from xcycle_b cimport Right
    cdef class Left nogil:
        def __init__(self, int value):
            self.value = value
        cdef int total(self):
            return self.value + (self.partner.value if self.partner is not None else 0)

    def pair_total():
        left = Left(1)
        right = Right(10)
        left.partner = right
        right.partner = left
        result = left.total() * 1000 + right.total()
        right.partner = None          # break the reference cycle
        return result
''')

CYCLE_B_PXD = textwrap.dedent('''
    from xcycle_a cimport Left
    cdef class Right nogil:
        cdef Left partner
        cdef int value
        cdef int total(self)
''')

CYCLE_B_PYX = textwrap.dedent('''
    from xcycle_a cimport Left
    cdef class Right nogil:
        def __init__(self, int value):
            self.value = value
        cdef int total(self):
            return self.value + (self.partner.value if self.partner is not None else 0)

    def make_left(int value):
        return Left(value)
''')


def _build_cycle(tmp_path):
    files = {"xcycle_a.pxd": CYCLE_A_PXD, "xcycle_a.pyx": CYCLE_A_PYX,
             "xcycle_b.pxd": CYCLE_B_PXD, "xcycle_b.pyx": CYCLE_B_PYX}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return H.build([str(tmp_path / "xcycle_a.pyx"), str(tmp_path / "xcycle_b.pyx")],
                   str(tmp_path / "cache"), [str(tmp_path / "xcycle_a.pxd"),
                                             str(tmp_path / "xcycle_b.pxd")])


def _needed(folder, prefix):
    path = next(os.path.join(folder, f) for f in os.listdir(folder)
                if f.startswith(prefix + ".") and f.endswith(".so"))
    return subprocess.run(["readelf", "-d", path], capture_output=True, text=True).stdout


def test_modules_that_cimport_each_others_nogil_classes_build_in_one_call(tmp_path):
    """The `cythonize` command links a cycle: each module lists the other as DT_NEEDED, and
    either may be imported first."""
    folder = _build_cycle(tmp_path)
    assert "[xcycle_b." in _needed(folder, "xcycle_a")
    assert "[xcycle_a." in _needed(folder, "xcycle_b")
    for code in ("import xcycle_a; print(xcycle_a.pair_total())",
                 "import xcycle_b, xcycle_a; print(xcycle_a.pair_total(), "
                 "type(xcycle_b.make_left(3)).__module__)"):
        run = _run(code, [folder], str(tmp_path))
        assert run.returncode == 0, run.stderr
        assert run.stdout.split()[0] == "11011", run.stdout
    assert run.stdout.split()[1] == "xcycle_a"


def test_setup_py_builds_a_package_cycle(tmp_path):
    """setup.py with Cython.Build.cythonize: one build_ext links the cycle (first module
    linked, second against it, first linked again against the second)."""
    package = tmp_path / "cyclepkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    sources = {"xcycle_a.pxd": CYCLE_A_PXD, "xcycle_a.pyx": CYCLE_A_PYX,
               "xcycle_b.pxd": CYCLE_B_PXD, "xcycle_b.pyx": CYCLE_B_PYX}
    for name, text in sources.items():
        (package / name).write_text(text.replace("from xcycle_", "from cyclepkg.xcycle_"))
    (tmp_path / "setup.py").write_text(textwrap.dedent('''
        from cython_nogil import activate
        activate()
        from setuptools import setup
        from Cython.Build import cythonize
        setup(name="cyclepkg", packages=["cyclepkg"],
              ext_modules=cythonize("cyclepkg/*.pyx", quiet=True))
    '''))
    proc = subprocess.run([sys.executable, "setup.py", "-q", "build_ext", "--inplace"],
                          cwd=str(tmp_path), env=H.compiler_env(), capture_output=True,
                          text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-5000:]
    run = _run("import cyclepkg.xcycle_b, cyclepkg.xcycle_a as a; print(a.pair_total())",
               [str(tmp_path)], str(tmp_path))
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "11011"


def test_one_module_of_a_cycle_alone_is_a_clear_error(tmp_path):
    for name, text in (("xlone_a.pxd", CYCLE_A_PXD), ("xlone_a.pyx", CYCLE_A_PYX),
                       ("xcycle_b.pxd", CYCLE_B_PXD), ("xcycle_b.pyx", CYCLE_B_PYX)):
        (tmp_path / name).write_text(text.replace("xcycle_a", "xlone_a"))
    proc = subprocess.run([sys.executable, "-m", "cython_nogil.cythonize_cli", "-i", "-q",
                           "xlone_a.pyx"], cwd=str(tmp_path), env=H.compiler_env(),
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode != 0
    assert "uses nogil classes of module 'xcycle_b'" in proc.stderr, proc.stderr[-3000:]
    assert "must be built in one call" in proc.stderr, proc.stderr[-3000:]
