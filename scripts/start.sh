#!/usr/bin/env bash
# Quick start: installs what is missing, builds, and starts the talk.
# Arguments go to livedeck, e.g. `scripts/start.sh browse` or `scripts/start.sh --delay 1`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
exec build/livedeck "$@"
