"""The examples users copy from, built through the fork and checked (examples/point.pyx is
SPEC §1's example; hello and fib are exercised by tests/http/test_examples.py)."""

import os

import cynharness as H


def test_point_example_computes_without_the_gil_and_from_python():
    module = H.build_and_import(os.path.join(H.ROOT, "examples", "point.pyx"), H.CACHE_DIR)
    before = H.live_objects()
    assert module.run() == (34.0, 5.0)      # total() in nogil code; Point(3, 4).norm() from Python
    assert module.Point(3, 4).norm() == 5.0
    assert issubclass(module.Point3, module.Point)
    assert H.live_objects() == before
