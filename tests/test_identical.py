"""Code without nogil classes compiles byte-identically with and without the overlay."""

import glob
import os

import pytest

import cynharness as H

SOURCES = sorted(glob.glob(os.path.join(os.path.dirname(__file__), "identical", "*.pyx")))


def _generate(source, tmp_path, disable):
    tag = "stock" if disable else "fork"
    out = str(tmp_path / ("%s-%s.cpp" % (os.path.basename(source), tag)))
    proc = H.cython_generate(source, out, cplus=True, disable_overlay=disable)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with open(out, "rb") as f:
        return f.read()


@pytest.mark.parametrize("source", SOURCES, ids=os.path.basename)
def test_generated_code_is_byte_identical(source, tmp_path):
    stock = _generate(source, tmp_path, disable=True)
    fork = _generate(source, tmp_path, disable=False)
    assert stock == fork


def test_overlay_really_was_active(tmp_path):
    """Guards the test above: with the overlay on, a nogil class compiles; with it off it fails."""
    src = tmp_path / "probe.pyx"
    src.write_text("cdef class Probe nogil:\n    cdef int x\n")
    on = H.cython_generate(str(src), str(tmp_path / "on.cpp"))
    off = H.cython_generate(str(src), str(tmp_path / "off.cpp"), disable_overlay=True)
    assert on.returncode == 0, on.stdout + on.stderr
    assert off.returncode != 0
