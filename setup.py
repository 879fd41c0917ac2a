"""Packaging of cython-nogil: the overlay, the `cyn` cimport package and the runtime.

`pip install .` builds libcyn with CMake and installs, in one distribution:
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

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "cython-fork"))
from cython_nogil.version import SUPPORTED_CYTHON, __version__  # noqa: E402

sys.path.pop(0)

# setup.cfg keeps setuptools' scratch files (egg-info, build/) in build-pip/, out of the
# CMake build folder; it must exist on a fresh clone.
os.makedirs(os.path.join(HERE, "build-pip"), exist_ok=True)


class BuildWithRuntime(build_py):
    """build_py that also compiles libcyn and lays out the runtime and the .pth file."""

    def run(self):
        super().run()
        runtime_root = os.path.join(self.build_lib, "cython_nogil", "runtime")
        self._build_libcyn(runtime_root)
        self.copy_file(os.path.join(HERE, "cython-fork", "cython_nogil.pth"),
                       os.path.join(self.build_lib, "cython_nogil.pth"), preserve_mode=0)

    def _build_libcyn(self, runtime_root):
        build_dir = os.path.join(HERE, "build-pip", "runtime")
        configure = ["cmake", "-S", HERE, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release",
                     "-DCYN_BUILD_TESTS=OFF"]
        if shutil.which("ninja"):
            configure += ["-G", "Ninja"]
        subprocess.check_call(configure)
        subprocess.check_call(["cmake", "--build", build_dir, "--target", "cyn", "-j",
                               str(os.cpu_count() or 2)])
        lib_dir = os.path.join(runtime_root, "lib")
        include_dir = os.path.join(runtime_root, "include")
        os.makedirs(lib_dir, exist_ok=True)
        shutil.copy2(os.path.join(build_dir, "runtime", "libcyn.so"), lib_dir)
        if os.path.isdir(os.path.join(include_dir, "cyn")):
            shutil.rmtree(os.path.join(include_dir, "cyn"))
        shutil.copytree(os.path.join(HERE, "runtime", "include", "cyn"),
                        os.path.join(include_dir, "cyn"))


class BinaryDistribution(Distribution):
    """The wheel carries libcyn.so, so it is platform-specific."""

    def has_ext_modules(self):
        return True


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
    cmdclass={"build_py": BuildWithRuntime},
    distclass=BinaryDistribution,
    zip_safe=False,
)
