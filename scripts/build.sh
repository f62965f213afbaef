#!/usr/bin/env bash
# Configures and builds the release build in build/ (the program is build/livedeck).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f build/CMakeCache.txt ] || cmake --preset release
cmake --build --preset release
