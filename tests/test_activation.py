"""Activation edge cases: the version guard and the explicit entry points."""

import subprocess
import sys

import cynharness as H


def _python(code, **env_changes):
    env = H.compiler_env()
    env.update(env_changes)
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)


def test_unsupported_cython_version_is_one_clear_error_line():
    proc = _python("import Cython; Cython.__version__ = '3.2.0'\n"
                   "import sys; sys.argv = ['cython', '--version']\n"
                   "from cython_nogil.__main__ import main; main()")
    assert proc.returncode == 1
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: cython-nogil") and "3.2.0" in lines[0] and "3.3.1" in lines[0]
    assert "Traceback" not in proc.stderr


def test_disable_variable_makes_activation_a_no_op():
    proc = _python("from cython_nogil import activation; activation.activate()\n"
                   "from Cython.Compiler import Parsing\n"
                   "print(getattr(Parsing.p_module, 'cyn_dispatcher', False))",
                   CYTHON_NOGIL_DISABLE="1")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"


def test_explicit_activation_patches_only_the_module_entry_point():
    proc = _python("from cython_nogil import activation; activation.activate()\n"
                   "import sys, importlib.machinery as m\n"
                   "from Cython.Compiler import Parsing\n"
                   "from cython_nogil import parsing\n"
                   "print(sys.modules['Cython.Compiler.Parsing'] is Parsing, Parsing is not parsing._pure,\n"
                   "      Parsing.p_module.cyn_dispatcher)")
    assert proc.returncode == 0, proc.stderr
    # upstream's parser module stays in place (byte-identical output for ordinary code); only
    # its p_module routes nogil-class files to the patched pure-Python copy
    assert proc.stdout.split() == ["True", "True", "True"]
