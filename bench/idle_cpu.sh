#!/usr/bin/env bash
# CPU used by an idle presentation window over 10 s (under Xvfb).
# Usage: xvfb-run -a bench/idle_cpu.sh [build/livedeck] [DECK]
set -euo pipefail
livedeck=${1:-build/livedeck}
deck=${2:-slides/talk.md}
"$livedeck" "$deck" >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
xdotool search --sync --onlyvisible --name '^livedeck' >/dev/null
sleep 2  # let start-up finish before measuring
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
before=$(ticks)
sleep 10
after=$(ticks)
echo "idle window: $(( after - before )) ticks of CPU in 10 s = $(echo "scale=2; ($after - $before) * 100 / $hz / 10" | bc) % of one core"
