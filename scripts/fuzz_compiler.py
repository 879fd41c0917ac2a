"""Mutation fuzzing of the compiler: no input may make it print a Python traceback.

Takes the project's own nogil sources (tests/run, examples), applies a few random edits
(delete / duplicate / truncate a line, drop a colon, swap a token) — to a .pyx, or to the .pxd
that declares a test module's classes — compiles each mutant with
the fork (`python -m cython_nogil --cplus`) and reports every mutant whose output contains a
traceback or "Compiler crash". With --save DIR the crashing mutants are written there (add them
to tests/broken/, the regression corpus tests/test_broken_sources.py compiles).

    python3 scripts/fuzz_compiler.py --seed 7 --count 400 [--jobs 2] [--save /tmp/crashes]
"""

import argparse
import concurrent.futures
import glob
import os
import random
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from cynbuild import compiler_env  # noqa: E402


def sources():
    paths = glob.glob(os.path.join(ROOT, "tests", "run", "*.pyx"))
    paths += glob.glob(os.path.join(ROOT, "examples", "*.pyx"))
    return sorted(p for p in paths if "nogil" in open(p, encoding="utf-8").read())


def mutate(text, rng):
    lines = text.split("\n")
    i = rng.randrange(len(lines))
    kind = rng.randrange(6)
    if kind == 0:
        del lines[i]
    elif kind == 1:
        lines.insert(i, lines[rng.randrange(len(lines))])
    elif kind == 2:
        return text[:rng.randrange(len(text))]
    elif kind == 3:
        lines[i] = lines[i].replace(":", "", 1)
    elif kind == 4:
        tokens = text.split()
        lines[i] = lines[i].replace(rng.choice(tokens), rng.choice(tokens), 1)
    else:
        lines[i] = lines[i][:rng.randrange(len(lines[i]) + 1)]
    return "\n".join(lines)


def pxd_pairs():
    """(pyx, pxd) of the test modules that declare their classes in a .pxd."""
    pairs = []
    for pxd in sorted(glob.glob(os.path.join(ROOT, "tests", "run", "*.pxd"))):
        pyx = pxd[:-4] + ".pyx"
        if os.path.exists(pyx):
            pairs.append((pyx, pxd))
    return pairs


def make_mutant(seed, index, pool):
    """(file name, text, extra files): a mutated .pyx, or every third mutant a .pyx with its
    mutated .pxd."""
    rng = random.Random("%d-%d" % (seed, index))
    pairs = pxd_pairs()
    if pairs and index % 3 == 2:
        pyx, pxd = rng.choice(pairs)
        text = open(pxd, encoding="utf-8").read()
        for _ in range(rng.randrange(1, 3)):
            text = mutate(text, rng)
        return (os.path.basename(pyx), open(pyx, encoding="utf-8").read(),
                {os.path.basename(pxd): text})
    source = rng.choice(pool)
    text = open(source, encoding="utf-8").read()
    for _ in range(rng.randrange(1, 3)):
        text = mutate(text, rng)
    return os.path.basename(source), text, {}


def compile_source(name, text, env=None, extra=None):
    """Compiles one source (with `extra` {file name: text} beside it) in a scratch folder;
    returns (exit code, combined output)."""
    folder = tempfile.mkdtemp(prefix="cyn-fuzz-")
    try:
        for extra_name, extra_text in (extra or {}).items():
            with open(os.path.join(folder, extra_name), "w", encoding="utf-8") as f:
                f.write(extra_text)
        with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
            f.write(text)
        proc = subprocess.run([sys.executable, "-m", "cython_nogil", "--cplus", "-3", name,
                               "-o", "out.cpp"], cwd=folder, env=env or compiler_env(),
                              capture_output=True, text=True, timeout=300)
        return proc.returncode, proc.stdout + proc.stderr
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def crashed(output):
    return "Traceback (most recent call last)" in output or "Compiler crash" in output


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--save", help="folder for crashing mutants")
    args = parser.parse_args()
    pool = sources()
    env = compiler_env()

    def run(index):
        name, text, extra = make_mutant(args.seed, index, pool)
        code, output = compile_source(name, text, env, extra)
        return index, name, text, extra, output if crashed(output) else None

    crashes = 0
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as executor:
        for index, name, text, extra, output in executor.map(run, range(args.count)):
            if output is None:
                continue
            crashes += 1
            print("CRASH: mutant %d of %s" % (index, name))
            print("\n".join(output.splitlines()[-6:]))
            if args.save:
                os.makedirs(args.save, exist_ok=True)
                stem = "crash_%d_%d_%s" % (args.seed, index, os.path.splitext(name)[0])
                with open(os.path.join(args.save, stem + ".pyx"), "w", encoding="utf-8") as f:
                    f.write(text)
                for extra_text in extra.values():     # saved under the case's own name
                    with open(os.path.join(args.save, stem + ".pxd"), "w", encoding="utf-8") as f:
                        f.write(extra_text)
    print("%d mutants, %d crashes" % (args.count, crashes))
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
