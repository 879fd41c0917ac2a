"""Which parser reads a file: upstream's compiled one, or its pure-Python twin with our hooks.

The wheels of Cython compile `Cython.Compiler.Parsing` to C, and calls between compiled
parser functions cannot be patched. Its `.py` source ships beside the `.so`, so the overlay
loads a second, pure-Python copy of the module and applies the syntax hooks to that copy.

Only files that contain a nogil class are parsed by the patched copy: `p_module` of the
compiled parser is replaced by a dispatcher that looks at the source text first. Everything
else keeps going through the compiled parser, because the two upstream parsers do not always
produce the same tree (seen in Cython 3.3.1: `cpp_future.pyx` from upstream's own tests gets
an integer index typed `long` by the compiled parser and `Py_ssize_t` by the pure one), and
code without nogil classes must compile byte-identically to stock Cython.
"""

import importlib.util
import os
import re
import sys

MODULE = "Cython.Compiler.Parsing"

# A nogil class, defined (`cdef class X nogil:`) or declared in an extern block (`cdef class X nogil:`
# / `class X nogil:`), with optional template parameters and bases before `nogil`.
_NOGIL_CLASS = re.compile(r"^[ \t]*(?:cdef[ \t]+)?(?:public[ \t]+)?class[ \t]+\w+(?:[^:\n#\"]|\"[^\"\n]*\")*\bnogil[ \t]*:",
                          re.MULTILINE)

_pure = None


def load_pure_parser():
    """Executes Parsing.py as a private module object (not registered in sys.modules)."""
    global _pure
    if _pure is not None:
        return _pure
    import Cython.Compiler as package
    source = os.path.join(os.path.dirname(package.__file__), "Parsing.py")
    if not os.path.exists(source):
        raise ImportError("Cython's Parsing.py is missing beside its compiled parser (%s)" % source)
    spec = importlib.util.spec_from_file_location(MODULE, source)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    _pure = module
    return module


def source_has_nogil_class(scanner):
    try:
        # the compiled scanner does not expose `source_desc`; its position names it
        source_desc = getattr(scanner, "source_desc", None) or scanner.position()[0]
        filename = getattr(source_desc, "filename", None)
        if filename and os.path.isfile(filename):
            with open(filename, encoding="utf-8", errors="replace") as f:
                return _NOGIL_CLASS.search(f.read()) is not None
        lines = source_desc.get_lines()
        text = "".join(lines) if not isinstance(lines, str) else lines
    except Exception:
        return False
    return _NOGIL_CLASS.search(text) is not None


def with_pure_parser_registered(action):
    """Runs `action()` while `Cython.Compiler.Parsing` names the pure copy, so a stage that
    imports the parser module to patch it gets the copy; restores the compiled one after."""
    import Cython.Compiler as package
    compiled = importlib.import_module(MODULE)   # upstream's own (compiled in the wheels)
    pure = load_pure_parser()
    sys.modules[MODULE] = pure
    package.Parsing = pure
    try:
        return action()
    finally:
        sys.modules[MODULE] = compiled
        package.Parsing = compiled


def install_dispatcher():
    """Routes `p_module` of the parser Cython uses to the patched copy for nogil-class files."""
    import Cython.Compiler as package
    from Cython.Compiler import Parsing as compiled
    if getattr(compiled.p_module, "cyn_dispatcher", False):
        return
    pure = load_pure_parser()
    if compiled is pure:
        return
    compiled_p_module = compiled.p_module

    def p_module(s, pxd, full_module_name, ctx=None, **kwargs):
        parser = pure.p_module if source_has_nogil_class(s) else compiled_p_module
        if ctx is None:
            return parser(s, pxd, full_module_name, **kwargs)
        return parser(s, pxd, full_module_name, ctx=ctx, **kwargs)

    p_module.cyn_dispatcher = True
    compiled.p_module = p_module
    package.Parsing = compiled
