"""Build integration: what `cythonize` must add for a module that uses nogil classes.

A user runs the plain upstream commands (`cythonize -i foo.pyx`, `Cython.Build.cythonize` in a
setup.py) and adds no flags. After upstream has turned the source patterns into Extension
objects, every extension whose sources (or the .pxd files they cimport) declare a nogil class
or cimport the `cyn` package is switched to C++ and given `-std=c++20`, the runtime's include
folder, `-lcyn -lmimalloc` and an rpath to libcyn. Extensions that do not use nogil classes are
left exactly as upstream made them.

The runtime is found, in order: inside the installed package (`cython_nogil/runtime/`), else
in the source checkout (`runtime/include` and `$CYN_BUILD_DIR/runtime`, default `build/`).
"""

import os
import re
from dataclasses import dataclass

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))

# A nogil class declaration, or a cimport of the cyn standard library.
_NEEDS_RUNTIME = re.compile(
    rb"^[ \t]*(?:cdef[ \t]+(?:public[ \t]+|api[ \t]+)?class[ \t]+\w+(?:[^:\n\"]|\"[^\"\n]*\")*\bnogil[ \t]*:"
    rb"|from[ \t]+cyn(?:\.\w+)*[ \t]+cimport\b"
    rb"|cimport[ \t]+cyn\b)",
    re.MULTILINE)

CXX_STANDARD_FLAG = "-std=c++20"
RUNTIME_LIBRARIES = ("cyn", "mimalloc")


@dataclass(frozen=True)
class RuntimeLayout:
    include_dir: str
    library_dir: str

    def exists(self):
        return os.path.isfile(os.path.join(self.include_dir, "cyn", "object.hpp"))


def runtime_layout():
    installed = RuntimeLayout(os.path.join(PACKAGE_DIR, "runtime", "include"),
                              os.path.join(PACKAGE_DIR, "runtime", "lib"))
    if installed.exists():
        return installed
    checkout = os.path.dirname(os.path.dirname(PACKAGE_DIR))
    build_dir = os.environ.get("CYN_BUILD_DIR") or os.path.join(checkout, "build")
    if not os.path.isabs(build_dir):
        build_dir = os.path.join(checkout, build_dir)
    return RuntimeLayout(os.path.join(checkout, "runtime", "include"),
                         os.path.join(build_dir, "runtime"))


def source_needs_runtime(path):
    try:
        with open(path, "rb") as source:
            return _NEEDS_RUNTIME.search(source.read()) is not None
    except OSError:
        return False


def extension_needs_runtime(extension, dependency_tree=None):
    sources = [s for s in extension.sources if s.endswith((".pyx", ".py", ".pxd"))]
    files = set(sources)
    if dependency_tree is not None:
        for source in sources:
            try:
                files.update(dependency_tree.all_dependencies(source))
            except Exception:  # a broken cimport is reported by the compiler, not here
                pass
    return any(source_needs_runtime(f) for f in sorted(files))


def add_runtime(extension, layout=None):
    """Switches one Extension to C++20 linked against libcyn (idempotent)."""
    layout = layout or runtime_layout()
    extension.language = "c++"

    def add(attribute, values):
        current = list(getattr(extension, attribute, None) or [])
        for value in values:
            if value not in current:
                current.append(value)
        setattr(extension, attribute, current)

    add("extra_compile_args", [CXX_STANDARD_FLAG])
    add("include_dirs", [layout.include_dir])
    add("library_dirs", [layout.library_dir])
    add("runtime_library_dirs", [layout.library_dir])
    add("libraries", list(RUNTIME_LIBRARIES))
    return extension


def install():
    """Wraps Cython.Build.Dependencies.create_extension_list (which cythonize calls)."""
    from Cython.Build import Dependencies
    upstream = Dependencies.create_extension_list
    if getattr(upstream, "cyn_wrapped", False):
        return

    def create_extension_list(patterns, exclude=None, ctx=None, *args, **kwargs):
        module_list, metadata = upstream(patterns, exclude, ctx, *args, **kwargs)
        tree = None
        try:
            tree = Dependencies.create_dependency_tree(ctx)
        except Exception:
            tree = None
        for extension in module_list:
            if hasattr(extension, "sources") and extension_needs_runtime(extension, tree):
                add_runtime(extension)
        return module_list, metadata

    create_extension_list.cyn_wrapped = True
    Dependencies.create_extension_list = create_extension_list
