#!/usr/bin/env bash
# Configures and builds the release build in build/ (the program is build/livedeck).
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache (scripts/setup.sh installs it) makes a rebuild cheap.
if command -v ccache >/dev/null; then
  export CMAKE_CXX_COMPILER_LAUNCHER=ccache CMAKE_C_COMPILER_LAUNCHER=ccache
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
fi
[ -f build/CMakeCache.txt ] || cmake --preset release
cmake --build --preset release
