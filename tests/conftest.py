"""pytest collection of the compiler test folders (see tests/README.md).

- tests/run/*.pyx: built through the fork and imported; each module-level `def test_*` is a
  test, and the module's doctests are one more; the live-object counter of libcyn must be back
  at its start value after each.
- tests/errors/*.pyx: must fail to compile with exactly the `_ERRORS` lines, and no traceback.
- tests/codegen/*.pyx: FileCheck `# CHECK:` lines against the generated C++.
"""

import doctest
import importlib
import os
import re
import sys
import tempfile

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cynharness as H  # noqa: E402

TEST_DEF = re.compile(r"^def (test_\w+)\s*\(", re.MULTILINE)


def pytest_collect_file(parent, file_path):
    if file_path.suffix != ".pyx" or file_path.name.startswith("_"):
        return None
    folder = file_path.parent.name
    if folder == "run":
        return RunModule.from_parent(parent, path=file_path)
    if folder == "errors":
        return ErrorsFile.from_parent(parent, path=file_path)
    if folder == "codegen":
        return CodegenFile.from_parent(parent, path=file_path)
    return None


class RunModule(pytest.File):
    """A compile-and-run test module."""

    def collect(self):
        text = self.path.read_text(encoding="utf-8")
        for name in TEST_DEF.findall(text):
            yield RunItem.from_parent(self, name=name, test_name=name)
        if ">>>" in text:
            yield RunItem.from_parent(self, name="doctests", test_name=None)

    def load(self):
        failure = getattr(self, "_build_failure", None)
        if failure is not None:          # built once per module, even when it fails
            raise failure
        module = getattr(self, "_module", None)
        if module is None:
            try:
                folder = H.build_modules(str(self.path))
            except H.BuildError as exc:
                self._build_failure = exc
                raise
            if folder not in sys.path:
                sys.path.insert(0, folder)
            module = importlib.import_module(self.path.stem)
            self._module = module
        return module


class RunItem(pytest.Item):
    def __init__(self, *, test_name, **kwargs):
        super().__init__(**kwargs)
        self.test_name = test_name

    def runtest(self):
        module = self.parent.load()
        before = H.live_objects()
        # A test may abandon objects on purpose (the coroutines of a deadlock are never
        # resumed, so what their frames hold stays alive): it says how many, exactly.
        abandoned = 0
        if self.test_name is None:
            finder = doctest.DocTestFinder(exclude_empty=True)
            runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
            tests = finder.find(module, module.__name__)
            for test in tests:
                runner.run(test)
            result = runner.summarize(verbose=False)
            assert result.attempted > 0, "no doctest was found"
            assert result.failed == 0, "%d doctest(s) failed (see output above)" % result.failed
        else:
            function = getattr(module, self.test_name)
            abandoned = getattr(function, "cyn_abandoned_objects", 0)
            function()
        import gc
        gc.collect()
        after = H.live_objects()
        assert after == before + abandoned, "live nogil objects: %d before the test, %d after%s" % (
            before, after, " (%d abandoned on purpose)" % abandoned if abandoned else "")

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, H.BuildError):
            return str(excinfo.value)
        # The test's own frames (the .pyx and the modules it calls), not pytest's plumbing.
        import traceback
        frames = [f for f in traceback.extract_tb(excinfo.tb)
                  if not f.filename.endswith("conftest.py") and "site-packages" not in f.filename]
        lines = traceback.format_list(frames[-12:])
        lines += traceback.format_exception_only(excinfo.type, excinfo.value)
        return "".join(lines)

    def reportinfo(self):
        return self.path, 0, "%s::%s" % (self.path.name, self.name)


class ErrorsFile(pytest.File):
    def collect(self):
        yield ErrorsItem.from_parent(self, name="errors")


class ErrorsItem(pytest.Item):
    def runtest(self):
        expected = H.expected_errors(str(self.path))
        assert expected is not None, "%s has no _ERRORS block" % self.path.name
        first_line = self.path.read_text(encoding="utf-8").splitlines()[0]
        cplus = "mode: c" not in first_line
        with tempfile.TemporaryDirectory() as tmp:
            proc = H.cython_generate(str(self.path), os.path.join(tmp, "out.cpp"), cplus=cplus)
        output = proc.stdout + proc.stderr
        assert "Traceback (most recent call last)" not in output, output
        assert proc.returncode != 0, "compiled without error:\n" + output
        got = H.reported_errors(output, self.path.name)
        assert got == expected, "errors differ\nexpected:\n  %s\ngot:\n  %s\n--- output ---\n%s" % (
            "\n  ".join(expected), "\n  ".join(got), output)

    def reportinfo(self):
        return self.path, 0, self.path.name


class CodegenFile(pytest.File):
    def collect(self):
        yield CodegenItem.from_parent(self, name="filecheck")


class CodegenItem(pytest.Item):
    def runtest(self):
        import subprocess
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, self.path.stem + ".cpp")
            proc = H.cython_generate(str(self.path), out)
            assert proc.returncode == 0, proc.stdout + proc.stderr
            check = subprocess.run([H.FILECHECK, str(self.path), "--input-file", out],
                                   capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr

    def reportinfo(self):
        return self.path, 0, self.path.name
