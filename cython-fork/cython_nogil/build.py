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
found next to their .pxd / on sys.path when built before. Modules that cimport each other's
nogil classes are linked in one build_ext (see `_install_build_ext_hook`).

Only code counts: a docstring, comment or string that shows a nogil class does not switch a
module to C++. Extension objects handed to cythonize one by one (setuptools' own .pyx support,
pyximport) get the runtime too.

The runtime is found, in order: inside the installed package (`cython_nogil/runtime/`), else
in the source checkout (`runtime/include` and `$CYN_BUILD_DIR/runtime`; without
CYN_BUILD_DIR, the newer of `build/` and `build-pip/runtime/`, where `pip install -e .` builds
it). Against an installed runtime, a module also gets an `$ORIGIN`-relative rpath to the
cython-nogil installed beside it in site-packages (pip's isolated build environment, the
absolute path, is gone by then).
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


# Where libcyn lies inside the installed distribution, relative to site-packages.
INSTALLED_LIBRARY_SUBDIR = ("cython_nogil", "runtime", "lib")


@dataclass(frozen=True)
class RuntimeLayout:
    include_dir: str
    library_dir: str
    installed: bool = False     # the runtime of an installed cython-nogil (not of a checkout)

    def exists(self):
        return os.path.isfile(os.path.join(self.include_dir, "cyn", "object.hpp"))


def runtime_layout():
    installed = RuntimeLayout(os.path.join(PACKAGE_DIR, "runtime", "include"),
                              os.path.join(PACKAGE_DIR, "runtime", "lib"), installed=True)
    if installed.exists():
        return installed
    checkout = os.path.dirname(os.path.dirname(PACKAGE_DIR))
    build_dir = os.environ.get("CYN_BUILD_DIR") or os.path.join(checkout, "build")
    if not os.environ.get("CYN_BUILD_DIR"):
        # `pip install -e .` builds libcyn in build-pip/runtime: the newer of the two builds
        # matches the checkout's headers
        pip_build_dir = os.path.join(checkout, "build-pip", "runtime")
        if _libcyn_mtime(pip_build_dir) > _libcyn_mtime(build_dir):
            build_dir = pip_build_dir
    if not os.path.isabs(build_dir):
        build_dir = os.path.join(checkout, build_dir)
    return RuntimeLayout(os.path.join(checkout, "runtime", "include"),
                         os.path.join(build_dir, "runtime"))


# String literals (triple-quoted first) and comments: text that only looks like code. The
# alternatives never overlap at one position and never backtrack, so one pass is linear.
_STRINGS_AND_COMMENTS = re.compile(
    rb'"""(?:[^"\\]|\\.|"(?!""))*"""'
    rb"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    rb'|"(?:[^"\\\n]|\\.)*"'
    rb"|'(?:[^'\\\n]|\\.)*'"
    rb"|#[^\n]*",
    re.DOTALL)


def _blank_string_or_comment(match):
    text = match.group(0)
    return b"" if text.startswith(b"#") else text[:1] * 2


def _code_only(text):
    """`text` with every string literal emptied and every comment removed, so that a docstring
    or comment showing `cdef class Point nogil:` does not count as one."""
    return _STRINGS_AND_COMMENTS.sub(_blank_string_or_comment, text)


def _declares(pattern, text):
    # The cheap search over the raw text rules out almost every file; only a hit is re-checked
    # on the code alone (the tokenizing pass costs a few ms per MB).
    return pattern.search(text) is not None and pattern.search(_code_only(text)) is not None


def _libcyn_mtime(build_dir):
    try:
        return os.path.getmtime(os.path.join(build_dir, "runtime", "libcyn.so"))
    except OSError:
        return -1.0


def source_needs_runtime(path):
    try:
        with open(path, "rb") as source:
            return _declares(_NEEDS_RUNTIME, source.read())
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
                    if not _declares(_DEFINES_NOGIL_CLASS, pxd.read()):
                        continue
            except OSError:
                continue
            name = fully_qualified_name(path)
            if name != extension.name and (name, path) not in found:
                found.append((name, path))
    return found


def installed_runtime_rpath(module_name):
    """The `$ORIGIN`-relative rpath from module `module_name`, once installed in site-packages,
    to site-packages/cython_nogil/runtime/lib.

    The absolute rpath to the libcyn the module was linked against is not enough: pip's build
    isolation installs cython-nogil in a temporary environment that is deleted after the build.
    A module's dotted name fixes where it is installed (`pkg.sub.mod` -> site-packages/pkg/sub/),
    so one exact entry finds the libcyn of the cython-nogil installed beside it."""
    depth = module_name.count(".")
    return "-Wl,-rpath," + "/".join(("$ORIGIN",) + ("..",) * depth + INSTALLED_LIBRARY_SUBDIR)


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
    if layout.installed:
        # passed as one argv item (no shell), so `$ORIGIN` reaches the linker literally
        add("extra_link_args", [installed_runtime_rpath(extension.name)])
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
        # Extension objects given as patterns: setuptools' own Cython support (an Extension
        # with .pyx sources and no cythonize call) and pyximport cythonize them one by one and
        # keep only the new `sources`, so the runtime must be added to them as well.
        templates = {}
        for pattern in patterns if isinstance(patterns, (list, tuple)) else [patterns]:
            if hasattr(pattern, "sources") and hasattr(pattern, "name"):
                templates[pattern.name] = pattern
        for extension in module_list:
            if hasattr(extension, "sources") and extension_needs_runtime(extension, tree):
                targets = [extension]
                template = templates.get(extension.name)
                if template is not None and template is not extension:
                    targets.append(template)
                providers = provider_modules(extension, tree) if tree is not None else None
                for target in targets:
                    add_runtime(target)
                    if providers is not None:
                        target.cyn_providers = providers
        return module_list, metadata

    create_extension_list.cyn_wrapped = True
    Dependencies.create_extension_list = create_extension_list
    _install_build_ext_hook()


def _install_build_ext_hook():
    """Teach build_ext to build providers first and link users against them.

    Modules that cimport each other's nogil classes (a cycle) each need the other's shared
    object at link time, which cannot both exist first. Linking a shared object with undefined
    symbols is allowed (every extension module leaves Python's own undefined), so the first
    module of a cycle is linked without the providers not built yet, the others against it,
    and then the first is linked once more, from the same object files, against all of them.
    Each then lists the others as DT_NEEDED: whichever is imported first, the dynamic linker
    loads the whole cycle (once: a cycle of DT_NEEDED is allowed) and resolves the vtables,
    constructors and methods each takes from the other before any module code runs."""
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
        self.cyn_relinks = []
        return upstream_build_extensions(self)

    def build_extension(self, ext):
        providers = list(getattr(ext, "cyn_providers", ()))
        deferred = [(name, pxd) for name, pxd in providers
                    if _awaits_build_in_cycle(self, ext, name)]
        if deferred:
            providers = [p for p in providers if p not in deferred]
        original_link_args = ext.extra_link_args
        if providers:
            ext.extra_link_args = list(ext.extra_link_args or []) + link_args_for_providers(
                self, ext, providers)
        try:
            link_call = _capture_link(self, lambda: upstream_build_extension(self, ext))
        finally:
            ext.extra_link_args = original_link_args
        relinks = getattr(self, "cyn_relinks", None)
        if relinks is None:
            relinks = self.cyn_relinks = []
        if deferred and link_call is not None:
            relinks.append((ext, deferred, link_call))
        _relink_completed_cycles(self, relinks)

    build_extension.cyn_wrapped = True
    cls.build_extensions = build_extensions
    cls.build_extension = build_extension


def _awaits_build_in_cycle(build_ext, ext, provider_name):
    """True when `provider_name` is built later in this same build_ext and, through its own
    providers, needs `ext`: the two are a cycle and ext is linked without it first."""
    by_name = {e.name: e for e in build_ext.extensions}
    if provider_name not in by_name or os.path.exists(build_ext.get_ext_fullpath(provider_name)):
        return False
    seen, stack = set(), [provider_name]
    while stack:
        name = stack.pop()
        if name == ext.name:
            return True
        if name in seen or name not in by_name:
            continue
        seen.add(name)
        stack.extend(p for p, _ in getattr(by_name[name], "cyn_providers", ()))
    return False


def _capture_link(build_ext, build):
    """Runs `build` and returns the (args, kwargs) of its link_shared_object call, or None
    when it linked nothing (the module was up to date)."""
    compiler = build_ext.compiler
    upstream_link = compiler.link_shared_object
    calls = []

    def link_shared_object(*args, **kwargs):
        calls.append((args, dict(kwargs)))
        return upstream_link(*args, **kwargs)

    own_attribute = "link_shared_object" in vars(compiler)
    compiler.link_shared_object = link_shared_object
    try:
        build()
    finally:
        if own_attribute:
            compiler.link_shared_object = upstream_link
        else:
            del compiler.link_shared_object   # back to the class's method
    return calls[-1] if calls else None


def _relink_completed_cycles(build_ext, relinks):
    """Links once more each module of a cycle whose deferred providers now exist."""
    for entry in list(relinks):
        ext, deferred, (args, kwargs) = entry
        if not all(os.path.exists(build_ext.get_ext_fullpath(name)) for name, _ in deferred):
            continue
        relinks.remove(entry)
        kwargs = dict(kwargs)
        kwargs["extra_postargs"] = list(kwargs.get("extra_postargs") or []) + \
            link_args_for_providers(build_ext, ext, deferred)
        compiler = build_ext.compiler
        forced = compiler.force
        compiler.force = True         # the first link's output is newer than the objects
        try:
            compiler.link_shared_object(*args, **kwargs)
        finally:
            compiler.force = forced


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
            for wave, has_cycle in build_waves(ext_modules):
                # parallel mode gives each module a build_ext of its own; a cycle must be
                # linked in one (serial mode: one build_ext per base folder)
                upstream(wave, 1 if has_cycle else parallel)

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
    """Split cythonize's [(base_dir, [extensions])] into [(wave, has_cycle)]: each wave only
    links against providers built in earlier waves (one wave when no module needs another);
    modules that need each other (and those that need them) form a last wave with
    has_cycle set, to be built by one build_ext."""
    names = {e.name for _, modules in ext_modules for e in modules}
    pending = [(base, e) for base, modules in ext_modules for e in modules]
    built, waves = set(), []
    while pending:
        ready = [(b, e) for b, e in pending
                 if all(p in built or p not in names or p == e.name
                        for p, _ in getattr(e, "cyn_providers", ()))]
        has_cycle = not ready
        if has_cycle:
            ready = pending
        wave = {}
        for base, e in ready:
            wave.setdefault(base, []).append(e)
        waves.append((list(wave.items()), has_cycle))
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
                "was not found: build '%s' first, or in the same cythonize call (modules that "
                "cimport each other's nogil classes must be built in one call)"
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
