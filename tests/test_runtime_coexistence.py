"""libcyn must not change how other C++ extensions of the process allocate: a plain C++ module
loaded after it keeps libstdc++'s own new/delete pair. (The shared libmimalloc exports a
malloc/new/delete of its own; with it linked before libstdc++, libstdc++'s sized `delete`
bound to mimalloc's free while `new` used glibc's malloc, and such a module crashed.)"""

import os
import subprocess
import sys

import cynharness as H

PLAIN_CPP = '''# distutils: language = c++
from libcpp.vector cimport vector

def churn(int n):
    cdef vector[int]* v
    cdef int total = 0
    for i in range(n):
        v = new vector[int](i + 1, 1)
        total += v.size()
        del v
    return total
'''


def test_a_plain_cpp_module_loaded_after_libcyn_allocates_as_usual(tmp_path):
    source = tmp_path / "plain_cpp_churn.pyx"
    source.write_text(PLAIN_CPP)
    folder = H.build([str(source)], str(tmp_path / "build"), [])
    # a fresh interpreter, libcyn loaded first (as a module with nogil classes loads it)
    code = ("import ctypes, sys; ctypes.CDLL(%r); sys.path.insert(0, %r); import plain_cpp_churn; "
            "print(plain_cpp_churn.churn(1000))" % (H.libcyn_path(), folder))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(sum(range(1, 1001)))
