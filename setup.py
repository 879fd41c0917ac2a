"""Packaging of cython-nogil: the overlay, the `cyn` cimport package and the runtime.

`pip install .` (or `pip install cython-fork/`, whose setup.py runs this one) builds libcyn
with CMake and installs, in one distribution:
- `cython_nogil/` (from cython-fork/): the compiler overlay;
- `cython_nogil/runtime/{include,lib}`: libcyn.so and its headers, found by the build hook;
- `cyn/` (from stdlib/): the .pxd files user code cimports;
- `cython_nogil.pth` at site-packages root: activates the overlay in processes that run Cython.
`pip uninstall cython-nogil` removes all of it (every file is in the wheel's RECORD).
"""

import os
import shutil
import subprocess
import sys

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py
from setuptools.command.editable_wheel import editable_wheel

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "cython-fork"))
from cython_nogil.version import SUPPORTED_CYTHON, __version__  # noqa: E402

sys.path.pop(0)

# Installed at site-packages root: imports cython_nogil._pth_hook at interpreter start-up.
PTH_FILE = os.path.join(HERE, "cython-fork", "cython_nogil.pth")

# setup.cfg keeps setuptools' scratch files (egg-info, build/) in build-pip/, out of the
# CMake build folder; it must exist on a fresh clone.
os.makedirs(os.path.join(HERE, "build-pip"), exist_ok=True)


class BuildWithRuntime(build_py):
    """build_py that also compiles libcyn and lays out the runtime and the .pth file."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            # `pip install -e .`: the package stays in the checkout, whose build hook finds
            # libcyn in build-pip/runtime and the headers in runtime/include
            self._compile_libcyn()
            return
        runtime_root = os.path.join(self.build_lib, "cython_nogil", "runtime")
        self._build_libcyn(runtime_root)
        self.copy_file(PTH_FILE, os.path.join(self.build_lib, "cython_nogil.pth"), preserve_mode=0)

    def _compile_libcyn(self):
        build_dir = os.path.join(HERE, "build-pip", "runtime")
        configure = ["cmake", "-S", HERE, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release",
                     "-DCYN_BUILD_TESTS=OFF"]
        if shutil.which("ninja"):
            configure += ["-G", "Ninja"]
        subprocess.check_call(configure)
        subprocess.check_call(["cmake", "--build", build_dir, "--target", "cyn", "-j",
                               str(os.cpu_count() or 2)])
        return build_dir

    def _build_libcyn(self, runtime_root):
        build_dir = self._compile_libcyn()
        lib_dir = os.path.join(runtime_root, "lib")
        include_dir = os.path.join(runtime_root, "include")
        os.makedirs(lib_dir, exist_ok=True)
        shutil.copy2(os.path.join(build_dir, "runtime", "libcyn.so"), lib_dir)
        if os.path.isdir(os.path.join(include_dir, "cyn")):
            shutil.rmtree(os.path.join(include_dir, "cyn"))
        shutil.copytree(os.path.join(HERE, "runtime", "include", "cyn"),
                        os.path.join(include_dir, "cyn"))


class EditableWithOverlayHook(editable_wheel):
    """`pip install -e .`: setuptools' editable wheel holds only its own import hook for the
    checkout; this one also carries cython_nogil.pth, so the overlay is active as after
    `pip install .` (site runs `__editable__*.pth` first: it sorts before `cython_nogil.pth`)."""

    def _select_strategy(self, *args, **kwargs):
        return _AlsoWritesOverlayHook(super()._select_strategy(*args, **kwargs))


class _AlsoWritesOverlayHook:
    """Wraps setuptools' editable strategy (a context manager that writes the wheel)."""

    def __init__(self, strategy):
        self.strategy = strategy

    def __enter__(self):
        self.strategy.__enter__()
        return self

    def __exit__(self, *exc_info):
        return self.strategy.__exit__(*exc_info)

    def __call__(self, wheel, files, mapping):
        self.strategy(wheel, files, mapping)
        with open(PTH_FILE, encoding="utf-8") as pth:
            wheel.writestr("cython_nogil.pth", pth.read())


class BinaryDistribution(Distribution):
    """The wheel carries libcyn.so, so it is platform-specific."""

    def has_ext_modules(self):
        return True


def main():
    """Runs setup() from the repository root, whichever setup.py was run: this one (`pip
    install .`) or cython-fork/setup.py (`pip install cython-fork/`), so both install the same
    distribution from the same paths and setup.cfg."""
    previous = os.getcwd()
    os.chdir(HERE)
    try:
        _setup()
    finally:
        os.chdir(previous)


def _setup():
    setup(
        name="cython-nogil",
        version=__version__,
        description="Cython with nogil classes, coroutines and a multi-core HTTP server",
        long_description=open(os.path.join(HERE, "README.md"), encoding="utf-8").read()
        if os.path.exists(os.path.join(HERE, "README.md")) else "",
        long_description_content_type="text/markdown",
        python_requires=">=3.9",
        packages=["cython_nogil", "cyn"],
        package_dir={"cython_nogil": "cython-fork/cython_nogil", "cyn": "stdlib/cyn"},
        package_data={"cyn": ["*.pxd", "*.pyx", "*.hpp"]},
        install_requires=["Cython==%s" % SUPPORTED_CYTHON[-1]],
        cmdclass={"build_py": BuildWithRuntime, "editable_wheel": EditableWithOverlayHook},
        distclass=BinaryDistribution,
        zip_safe=False,
    )


# setuptools' build backend and `python setup.py` both run this file as __main__;
# cython-fork/setup.py runs it the same way.
if __name__ == "__main__":
    main()
