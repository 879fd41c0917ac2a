"""Writes one suite's section of benchmarks/RESULTS.md, leaving the other sections alone.

A section sits between `<!-- NAME:begin -->` and `<!-- NAME:end -->`; each is stamped with the
machine, the date and the versions of the peers that matter, so numbers are never orphaned.
"""

import datetime
import os
import platform
import re
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.join(HERE, "RESULTS.md")
PREAMBLE = ("# Benchmark results\n\nEvery section is rewritten by its suite (`make bench` runs them all); "
            "each says the machine, versions and the command. Speed is measured here, never asserted in tests.\n")


def _version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip().splitlines()[0]
    except Exception:
        return "n/a"


def machine_line():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return "%s, %d cores, Linux %s; %s; g++ %s; Python %s" % (
        cpu, os.cpu_count() or 0, platform.release(), _version(["go", "version"]),
        _version(["g++", "-dumpfullversion"]), platform.python_version())


def write_section(name, title, body):
    text = open(RESULTS, encoding="utf-8").read() if os.path.exists(RESULTS) else PREAMBLE
    stamp = "Measured %s on: %s." % (datetime.datetime.now().strftime("%Y-%m-%d %H:%M UTC"), machine_line())
    block = "<!-- %s:begin -->\n## %s\n\n%s\n\n%s\n<!-- %s:end -->" % (name, title, stamp, body.strip(), name)
    pattern = re.compile(r"<!-- %s:begin -->.*?<!-- %s:end -->" % (re.escape(name), re.escape(name)), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    with open(RESULTS, "w", encoding="utf-8") as f:
        f.write(text)
