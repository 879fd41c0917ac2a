"""cython_nogil: upstream Cython 3.3.1 extended with `cdef class Foo nogil:`.

After `pip install cython-nogil` the overlay activates by itself in every process that runs
the Cython compiler (see `_pth_hook`), so the ordinary `cython`, `cythonize` and
`Cython.Build.cythonize` compile nogil classes. The explicit entry points do the same without
relying on the `.pth` hook:

    python -m cython_nogil --cplus foo.pyx        # the `cython` command
    python -m cython_nogil.cythonize_cli -i foo.pyx  # the `cythonize` command
    from cython_nogil import cythonize             # for setup.py

`get_include()` / `get_library_dir()` locate the runtime (libcyn) for hand-written builds.
"""

from .version import __version__


def activate():
    """Applies the overlay to upstream Cython in this process (idempotent)."""
    from . import activation
    activation.activate()


def cythonize(*args, **kwargs):
    """`Cython.Build.cythonize` with the overlay active."""
    activate()
    from Cython.Build import cythonize as upstream_cythonize
    return upstream_cythonize(*args, **kwargs)


def get_include():
    """Folder holding the runtime headers (`cyn/object.hpp`, ...)."""
    from . import build
    return build.runtime_layout().include_dir


def get_library_dir():
    """Folder holding libcyn.so."""
    from . import build
    return build.runtime_layout().library_dir


__all__ = ["__version__", "activate", "cythonize", "get_include", "get_library_dir"]
