"""What a call raises, and what Python's built-ins raise for the same operation: the tests of
tests/run/lib_*.pyx compare the two (type and message)."""


def raised(f, *args):
    """(exception type, message) of what f(*args) raises, or None."""
    try:
        f(*args)
    except Exception as e:
        return type(e), str(e)
    return None


def raised_py(code, **names):
    """What Python raises for `code`, run as Python (not Cython) with `names` as its locals."""
    def run():
        exec(code, {}, dict(names))
    return raised(run)
