"""`pip install cython-fork/`: the same cython-nogil distribution as `pip install .` at the
repository root (overlay, `cyn` pxd files, libcyn and the .pth hook), built from the
repository root by running its setup.py, which holds the one copy of the packaging logic.

pip builds a local folder in place, so the repository around this folder is there."""

import os
import runpy

REPOSITORY_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

runpy.run_path(os.path.join(REPOSITORY_ROOT, "setup.py"), run_name="__main__")
