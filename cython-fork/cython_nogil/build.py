"""Build integration: what `cythonize` must add for a module that uses nogil classes.

A user runs the plain upstream commands (`cythonize -i foo.pyx`, `Cython.Build.cythonize` in a
setup.py) and adds no flags. After upstream has turned the source patterns into Extension
objects, every extension whose sources (or the .pxd files they cimport) declare a nogil class
or cimport the `cyn` package is switched to C++ and given `-std=c++20`, the runtime's include
folder, `-lcyn -lmimalloc` and an rpath to libcyn. Extensions that do not use nogil classes are
left exactly as upstream made them.

A module that cimports a nogil class *defined* in another extension module (declared in that
module's .pxd) calls its methods, constructors and vtable directly, so it is linked against
that module's shared object (`-l:shapes.cpython-311-x86_64-linux-gnu.so`, with an
`$ORIGIN`-relative rpath): the providers are built first when they are in the same build, or
found next to their .pxd / on sys.path when built before.

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

# A nogil class defined in Cython (not inside a `cdef extern from` block: those are indented).
_DEFINES_NOGIL_CLASS = re.compile(
    rb"^cdef[ \t]+class[ \t]+\w+(?:[^:\n\"]|\"[^\"\n]*\")*\bnogil[ \t]*:", re.MULTILINE)

CXX_STANDARD_FLAG = "-std=c++20"
# Methods of nogil classes are exported C++ functions (another module may link against them);
# in a -fPIC build the compiler would then assume they can be interposed and never inline
# them in their own module (destructors, `Base.method(self)` calls): 1-1.5 ns per object.
NO_INTERPOSITION_FLAG = "-fno-semantic-interposition"
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


def provider_modules(extension, dependency_tree):
    """[(module name, .pxd path)] of the other extension modules whose nogil classes
    `extension` cimports (it must link against their shared objects)."""
    from Cython.Build.Dependencies import fully_qualified_name
    found = []
    for source in extension.sources:
        if not source.endswith((".pyx", ".py")):
            continue
        try:
            dependencies = dependency_tree.all_dependencies(source)
        except Exception:  # a broken cimport is reported by the compiler, not here
            continue
        own = os.path.splitext(os.path.abspath(source))[0] + ".pxd"
        for path in sorted(dependencies):
            if not path.endswith(".pxd") or os.path.abspath(path) == own:
                continue
            try:
                with open(path, "rb") as pxd:
                    if not _DEFINES_NOGIL_CLASS.search(pxd.read()):
                        continue
            except OSError:
                continue
            name = fully_qualified_name(path)
            if name != extension.name and (name, path) not in found:
                found.append((name, path))
    return found


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

    add("extra_compile_args", [CXX_STANDARD_FLAG, NO_INTERPOSITION_FLAG])
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
                if tree is not None:
                    extension.cyn_providers = provider_modules(extension, tree)
        return module_list, metadata

    create_extension_list.cyn_wrapped = True
    Dependencies.create_extension_list = create_extension_list
    _install_build_ext_hook()


def _install_build_ext_hook():
    """Teach build_ext to build providers first and link users against them."""
    try:
        import setuptools  # noqa: F401  (makes `distutils` setuptools' copy, as build_ext uses)
        from distutils.command import build_ext as build_ext_module
    except ImportError:
        return
    cls = build_ext_module.build_ext
    if getattr(cls.build_extension, "cyn_wrapped", False):
        return
    upstream_build_extensions = cls.build_extensions
    upstream_build_extension = cls.build_extension

    def build_extensions(self):
        names = {e.name for e in self.extensions}
        if any(p in names for e in self.extensions for p, _ in getattr(e, "cyn_providers", ())):
            self.extensions = providers_first(self.extensions)
            self.parallel = None      # a user links against a provider built just before
        return upstream_build_extensions(self)

    def build_extension(self, ext):
        providers = getattr(ext, "cyn_providers", ())
        if providers:
            ext.extra_link_args = list(ext.extra_link_args or []) + link_args_for_providers(
                self, ext, providers)
        return upstream_build_extension(self, ext)

    build_extension.cyn_wrapped = True
    cls.build_extensions = build_extensions
    cls.build_extension = build_extension


def install_cythonize_hook():
    """The `cythonize` command builds each module in its own build_ext, in parallel; a module
    linking against a provider in the same command must wait for it: build in waves."""
    try:
        from Cython.Build import Cythonize
    except ImportError:
        return
    upstream = getattr(Cythonize, "_build", None)
    if upstream is not None and not getattr(upstream, "cyn_wrapped", False):
        def _build(ext_modules, parallel):
            for wave in build_waves(ext_modules):
                upstream(wave, parallel)

        _build.cyn_wrapped = True
        Cythonize._build = _build
    upstream_main = getattr(Cythonize, "main", None)
    if upstream_main is not None and not getattr(upstream_main, "cyn_wrapped", False):
        Cythonize.main = _main_without_traceback(upstream_main)


def _main_without_traceback(upstream_main):
    """The `cythonize` command, exiting with status 1 on a compile error: the errors were
    already printed as `file:line:col: message`; upstream lets the CompileError that
    follows them escape as a Python traceback."""
    from Cython.Compiler.Errors import CompileError

    def main(args=None):
        try:
            return upstream_main(args)
        except CompileError:
            return 1

    main.cyn_wrapped = True
    return main


def build_waves(ext_modules):
    """Split cythonize's [(base_dir, [extensions])] into waves: each wave only links against
    providers built in earlier waves (one wave when no module needs another)."""
    names = {e.name for _, modules in ext_modules for e in modules}
    pending = [(base, e) for base, modules in ext_modules for e in modules]
    built, waves = set(), []
    while pending:
        ready = [(b, e) for b, e in pending
                 if all(p in built or p not in names or p == e.name
                        for p, _ in getattr(e, "cyn_providers", ()))]
        if not ready:                 # a cycle: build the rest together, the linker reports it
            ready = pending
        wave = {}
        for base, e in ready:
            wave.setdefault(base, []).append(e)
        waves.append(list(wave.items()))
        built.update(e.name for _, e in ready)
        pending = [item for item in pending if item not in ready]
    return waves


def providers_first(extensions):
    """`extensions` reordered so each comes after the providers it links against."""
    by_name = {e.name: e for e in extensions}
    ordered, state = [], {}

    def visit(ext):
        if state.get(ext.name) == "done":
            return
        if state.get(ext.name) == "visiting":     # a cycle: the compiler reports it
            return
        state[ext.name] = "visiting"
        for name, _ in getattr(ext, "cyn_providers", ()):
            if name in by_name:
                visit(by_name[name])
        state[ext.name] = "done"
        ordered.append(ext)

    for ext in extensions:
        visit(ext)
    return ordered


def _built_extension_path(build_ext, name, pxd_path):
    """The shared object of module `name`: built by this build_ext, or found beside its
    .pxd or on sys.path."""
    import importlib.machinery
    import sys
    if any(e.name == name for e in build_ext.extensions):
        path = build_ext.get_ext_fullpath(name)
        return path if os.path.exists(path) else None
    parts = name.split(".")
    candidates = [os.path.dirname(os.path.abspath(pxd_path))]
    candidates += [os.path.join(os.path.abspath(p or "."), *parts[:-1]) for p in sys.path]
    for folder in candidates:
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = os.path.join(folder, parts[-1] + suffix)
            if os.path.isfile(path):
                return path
    return None


def link_args_for_providers(build_ext, ext, providers):
    # Where the user's shared object will live: in the build folder (then installed with the
    # same package layout), or, for in-place builds, beside its source.
    own_dirs = [os.path.dirname(os.path.abspath(build_ext.get_ext_fullpath(ext.name)))]
    sources = [src for src in ext.sources if src.endswith((".pyx", ".py", ".c", ".cpp"))]
    if sources:
        own_dirs.append(os.path.dirname(os.path.abspath(sources[0])))
    args = []
    for name, pxd_path in providers:
        path = _built_extension_path(build_ext, name, pxd_path)
        if path is None:
            # a DistutilsError: setup() reports it as one `error: ...` line
            from distutils.errors import DistutilsError
            raise DistutilsError(
                "module '%s' uses nogil classes of module '%s' (%s), whose compiled extension "
                "was not found: build '%s' first, or in the same cythonize call"
                % (ext.name, name, pxd_path, name))
        folder = os.path.dirname(os.path.abspath(path))
        args += ["-L" + folder, "-l:" + os.path.basename(path)]
        for own_dir in own_dirs:
            relative = os.path.relpath(folder, own_dir)
            rpath = "-Wl,-rpath,$ORIGIN" + ("" if relative == "." else "/" + relative)
            if rpath not in args:
                args.append(rpath)
        if not os.path.abspath(path).startswith(os.path.abspath(build_ext.build_lib)):
            args.append("-Wl,-rpath," + folder)   # built before, elsewhere: where it is now
    return args
