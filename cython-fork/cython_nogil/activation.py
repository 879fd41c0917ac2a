"""Activation: when and how the overlay is applied to upstream Cython.

Two ways in, one effect:
- implicitly, by the start-up finder of `_pth_hook` (after `pip install`), which calls
  `apply_compiler_overlay` / `apply_build_hook` as the upstream modules load;
- explicitly, by `activate()` (`python -m cython_nogil`, `cython_nogil.cythonize`, tests).

Applying is idempotent. An unsupported Cython version stops the compiler with one clear line.
"""

import sys

from . import version
from ._pth_hook import disabled, install_finder

_compiler_applied = False
_build_applied = False


class UnsupportedCython(SystemExit):
    """Raised (as a clean exit with a message) when the installed Cython is not the pinned one."""


def check_cython_version():
    import Cython
    if Cython.__version__ not in version.SUPPORTED_CYTHON:
        sys.stderr.write("error: %s\n" % version.unsupported_message(Cython.__version__))
        raise UnsupportedCython(1)


def apply_compiler_overlay():
    """Patches Cython.Compiler (parser, types, analysis, emission, wrapper) and `--version`."""
    global _compiler_applied
    if _compiler_applied or disabled():
        return
    check_cython_version()
    _patch_version_banner()
    from . import overlay, parsing
    # The stages patch the pure-Python parser copy; the compiled parser keeps serving every
    # file without a nogil class (see parsing.py for why).
    parsing.with_pure_parser_registered(overlay.install)
    parsing.install_dispatcher()
    _compiler_applied = True


def apply_build_hook():
    """Patches Cython.Build so cythonize adds C++20, the runtime's paths and -lcyn."""
    global _build_applied
    if _build_applied or disabled():
        return
    check_cython_version()
    from . import build
    build.install()
    _build_applied = True


def apply_cythonize_hook():
    """Patches the `cythonize` command to build providers of nogil classes before users."""
    if disabled():
        return
    from . import build
    build.install_cythonize_hook()


def _patch_version_banner():
    from Cython import Utils
    import Cython

    def print_version():
        print(version.fork_banner(Cython.__version__))

    Utils.print_version = print_version
    main = sys.modules.get("Cython.Compiler.Main")
    if main is not None and getattr(main, "Utils", None) is not None:
        main.Utils = Utils


def activate():
    """Applies everything now, importing upstream modules through the finder if needed."""
    if disabled():
        return
    install_finder()
    import Cython.Compiler.Main  # noqa: F401  (the finder applies the overlay)
    import Cython.Build.Dependencies  # noqa: F401
    apply_compiler_overlay()
    apply_build_hook()
