"""`python -m cython_nogil.cythonize_cli ARGS`: the `cythonize` command with the overlay active."""

import sys


def main(args=None):
    from cython_nogil import activation
    activation.activate()
    from Cython.Build.Cythonize import main as upstream_main
    return upstream_main(args)


if __name__ == "__main__":
    sys.exit(main())
