#!/usr/bin/env bash
# Installs everything cyn needs on a fresh Debian machine (idempotent).
# Called by `make deps`, which `make test`, `make run` and `make bench` call first.
set -euo pipefail

APT_PACKAGES=(
  g++ clang cmake ninja-build make ccache pkg-config
  libmimalloc-dev libboost-context-dev libgtest-dev
  llvm-14-tools libclang-rt-14-dev
  wrk nginx-light curl procps util-linux
  golang-go
)
PIP_PACKAGES=(
  "Cython==3.3.1" "pytest>=7" "pytest-xdist" "h11" "setuptools>=64" "wheel" "matplotlib" "gevent"
)

have_all_debs() {
  dpkg-query -W -f='${Status}\n' "$@" 2>/dev/null | grep -vc "install ok installed" | grep -qx 0
}

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

need=()
for p in "${APT_PACKAGES[@]}"; do
  # golang-go is only needed when no Go toolchain is on PATH already.
  if [ "$p" = golang-go ] && command -v go >/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "deps: apt installing ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

PY=${PYTHON:-python3}
if ! $PY - <<'PYEOF' 2>/dev/null
import importlib.metadata as m, sys
want = {"cython": "3.3.1"}
for name in ("pytest", "h11", "setuptools", "wheel", "matplotlib", "pytest-xdist", "gevent"):
    m.version(name)
sys.exit(0 if m.version("cython") == want["cython"] else 1)
PYEOF
then
  echo "deps: pip installing ${PIP_PACKAGES[*]}"
  $PY -m pip install -q "${PIP_PACKAGES[@]}"
fi
echo "deps: ok"
