#!/usr/bin/env bash
# CPU used by an idle presentation over 10 s (under Xvfb): one window, then two
# (the audience window placed with --audience-geometry), and two once the
# timer runs (the console redraws its clocks once a second, nothing else).
# Then the same while recording, and a demo running with and without recording.
# Usage: xvfb-run -a -s "-screen 0 3840x1080x24" bench/idle_cpu.sh [build/livedeck] [DECK]
set -euo pipefail
livedeck=${1:-build/livedeck}
deck=${2:-slides/talk.md}
hz=$(getconf CLK_TCK)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
measure() {  # label, keys to press first, then livedeck's arguments
  local label=$1 keys=$2
  shift 2
  rm -rf "${work:?}/rec"
  "$livedeck" "$@" "$deck" >/dev/null 2>&1 &
  local pid=$!
  local wid
  wid=$(xdotool search --sync --onlyvisible --name '^livedeck - ' | head -n 1)
  [ -n "$keys" ] && xdotool key --window "$wid" $keys
  sleep 2  # let start-up finish before measuring
  local before after
  before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  sleep 10
  after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  kill $pid
  wait $pid 2>/dev/null || true
  echo "$label: $((after - before)) ticks of CPU in 10 s = $(echo "scale=2; ($after - $before) * 100 / $hz / 10" | bc) % of one core"
}
measure "idle, one window" "" --single-window
measure "idle, two windows" "" --audience-geometry 1280x720+1920+0
measure "idle, two windows, timer running" "Right" --audience-geometry 1280x720+1920+0
measure "idle, one window, recording" "" --single-window --record "$work/rec"
# A demo typing for the whole 10 s (sequential, 4 s a fetch), recorded or not:
# the difference is what recording costs.
measure "demo running, not recording" "5 Return r" --single-window --delay 4
measure "demo running, recording" "5 Return r" --single-window --delay 4 --record "$work/rec"
