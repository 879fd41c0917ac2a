"""Versions: this fork's own, and the one upstream Cython release it extends.

The overlay patches upstream internals by name, so it is tied to one exact release; a
different Cython is refused with one clear line instead of failing somewhere deep inside.
"""

__version__ = "0.1.0"
SUPPORTED_CYTHON = ("3.3.1",)
DISTRIBUTION = "cython-nogil"


def fork_banner(cython_version):
    return "Cython version %s (%s %s: nogil classes, coroutines, HTTP)" % (
        cython_version, DISTRIBUTION, __version__)


def unsupported_message(found):
    return ("%s %s supports Cython %s only, found Cython %s: "
            "run `pip install Cython==%s` (or set CYTHON_NOGIL_DISABLE=1 to use stock Cython)" % (
                DISTRIBUTION, __version__, " / ".join(SUPPORTED_CYTHON), found, SUPPORTED_CYTHON[-1]))
