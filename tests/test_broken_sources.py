"""No input makes the compiler print a Python traceback (SPEC §6, issue 3).

tests/broken/ holds broken sources: minimized versions of the crashes `scripts/fuzz_compiler.py`
found (fixed; they stay here as regressions), and hand-written cases. Each must fail to compile with Cython-style `file:line:col: message`
errors and nothing else.
"""

import glob
import os
import re
import shutil
import subprocess
import sys

import pytest

import cynharness as H

BROKEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "broken")
CASES = sorted(os.path.basename(p) for p in glob.glob(os.path.join(BROKEN, "*.pyx")))


@pytest.mark.parametrize("name", CASES)
def test_broken_source_gets_positioned_errors_not_a_traceback(name, tmp_path):
    stem = os.path.splitext(name)[0]
    shutil.copy(os.path.join(BROKEN, name), tmp_path / name)
    if os.path.exists(os.path.join(BROKEN, stem + ".pxd")):
        shutil.copy(os.path.join(BROKEN, stem + ".pxd"), tmp_path / (stem + ".pxd"))
    proc = subprocess.run([sys.executable, "-m", "cython_nogil", "--cplus", "-3", name,
                           "-o", "out.cpp"], cwd=str(tmp_path), env=H.compiler_env(),
                          capture_output=True, text=True, timeout=300)
    output = proc.stdout + proc.stderr
    assert "Traceback (most recent call last)" not in output, output[-4000:]
    assert "Compiler crash" not in output, output[-4000:]
    assert proc.returncode != 0, "compiled without error"
    positioned = re.compile(r"^%s\.(pyx|pxd):\d+:\d+: \S" % re.escape(stem), re.MULTILINE)
    assert positioned.search(output), output[-4000:]
