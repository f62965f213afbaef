#!/usr/bin/env bash
# Frame cost of each view rendered offscreen at 1080p (headless EGL; on this
# machine, Mesa's llvmpipe): `<view> p50=<ms> p99=<ms> build=<ms>` per view.
# The demo slide is measured while its demo animates.
# Usage: bench/frames.sh [FRAMES] [WxH] [DECK] [DEMO]   (DEMO: the demo slide, default sequential)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/bench/frames_bench ] || cmake --build --preset release --target frames_bench
exec build/bench/frames_bench --frames "${1:-30}" --size "${2:-1920x1080}" ${4:+--demo "$4"} ${3:+"$3"}
