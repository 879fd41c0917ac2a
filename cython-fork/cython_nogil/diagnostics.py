"""Stage: diagnostics — what the user sees when a compilation fails.

Upstream stops quietly on an internal error that follows reported errors (the user fixes those
first, and the internal error usually goes away with them), but a transform that raises after
reported errors still prints "Compiler crash" with a Python traceback.  Broken sources reach
such follow-on crashes easily (an undefined base class, a class rejected as redeclared, then
code using it), and the contract is that the compiler answers with `file:line:col: message`
lines only.  So a crash report is dropped when errors were already reported: the compilation
fails with those errors.  A crash on an input without earlier errors is still reported in full
(it is a compiler bug to fix, and tests/broken catches it).
"""
from Cython.Compiler import Errors

_installed = False


def install():
    global _installed
    if _installed:
        return
    upstream = Errors.report_error

    def report_error(err, use_stack=True):
        if isinstance(err, Errors.CompilerCrash) and Errors.get_errors_count() > 0:
            err.reported = True          # a consequence of the errors above
            return
        return upstream(err, use_stack)

    Errors.report_error = report_error
    _installed = True
