"""`python -m cython_nogil ARGS`: the `cython` command with the overlay active."""

import sys


def main():
    from cython_nogil import activation
    activation.activate()
    from Cython.Compiler.Main import setuptools_main
    return setuptools_main()


if __name__ == "__main__":
    sys.exit(main())
