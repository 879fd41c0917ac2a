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
