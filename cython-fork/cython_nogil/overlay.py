"""Activation of the overlay: applies every stage's patches to the imported upstream Cython.

`install()` is idempotent.  The caller (the lead's activation hook) runs it right after
`Cython.Compiler.Main` is executed, with `Cython.Compiler.Parsing` loaded from its `.py`
(a compiled parser cannot be patched).  Each stage module owns its patches and falls back
to upstream behaviour when no nogil class is involved, so code without nogil classes
compiles byte-identically to stock Cython.
"""
_installed = False


def install():
    global _installed
    if _installed:
        return
    from Cython.Compiler import Parsing
    if not Parsing.__file__.endswith('.py'):
        raise ImportError("cython_nogil needs Cython.Compiler.Parsing loaded from Parsing.py "
                          "(loaded: %s)" % Parsing.__file__)
    from . import syntax, declarations, analysis, emit
    syntax.install(Parsing, declarations.NogilClassNode)
    declarations.install()
    analysis.install()
    emit.install()
    from . import special_methods, generics, diagnostics, exceptions, literals, comprehensions, text, context_managers
    special_methods.install()
    generics.install()
    exceptions.install()
    literals.install()
    comprehensions.install()
    text.install()
    context_managers.install()
    diagnostics.install()
    _installed = True


def is_installed():
    return _installed
