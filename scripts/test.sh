#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (unit tests, the
# headless screenshots read back with tesseract, and a real window under Xvfb).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
ctest --preset release
