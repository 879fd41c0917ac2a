"""Imported at interpreter start-up by `cython_nogil.pth` (installed at site-packages root).

It must cost next to nothing in processes that never run Cython, so it only registers a
meta-path finder; nothing of Cython is imported here. The finder then:
- applies the compiler overlay right after `Cython.Compiler.Main` has executed;
- applies the build hook right after `Cython.Build.Dependencies` has executed, and its part
  for the `cythonize` command after `Cython.Build.Cythonize`.
`CYTHON_NOGIL_DISABLE=1` in the environment turns all of it off.
"""

import os
import sys

DISABLE_VARIABLE = "CYTHON_NOGIL_DISABLE"


def disabled():
    return os.environ.get(DISABLE_VARIABLE, "") not in ("", "0")


class OverlayFinder:
    """Meta-path finder that applies the overlay when two upstream modules load."""

    after_exec = {
        "Cython.Compiler.Main": "apply_compiler_overlay",
        "Cython.Build.Dependencies": "apply_build_hook",
        "Cython.Build.Cythonize": "apply_cythonize_hook",
    }

    def find_spec(self, name, path=None, target=None):
        hook = self.after_exec.get(name)
        if hook is None:
            return None
        spec = self._upstream_spec(name, path, target)
        if spec is None or spec.loader is None:
            return spec
        upstream_exec = spec.loader.exec_module

        def exec_module(module):
            upstream_exec(module)
            from cython_nogil import activation
            getattr(activation, hook)()

        spec.loader.exec_module = exec_module
        return spec

    def _upstream_spec(self, name, path, target):
        position = sys.meta_path.index(self) if self in sys.meta_path else -1
        for finder in sys.meta_path[position + 1:]:
            find = getattr(finder, "find_spec", None)
            if find is not None:
                spec = find(name, path, target)
                if spec is not None:
                    return spec
        return None


def install_finder():
    """Puts the finder first on sys.meta_path once per process; returns it."""
    for finder in sys.meta_path:
        if type(finder).__name__ == "OverlayFinder" and getattr(finder, "cyn_overlay", False):
            return finder
    finder = OverlayFinder()
    finder.cyn_overlay = True
    sys.meta_path.insert(0, finder)
    return finder


if not disabled():
    install_finder()
