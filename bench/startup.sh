#!/usr/bin/env bash
# Wall time of `livedeck shot --slide 1` (start-up to the first rendered
# slide, headless), best and median of 5.
# Usage: bench/startup.sh [build/livedeck] [DECK]
set -euo pipefail
livedeck=${1:-build/livedeck}
deck=${2:-slides/talk.md}
times=()
for _ in 1 2 3 4 5; do
  start=$(date +%s.%N)
  "$livedeck" shot -o /tmp/startup.png --slide 1 "$deck"
  end=$(date +%s.%N)
  times+=("$(echo "$end - $start" | bc)")
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "shot --slide 1: best %.3f s, median %.3f s\n", a[1], a[3]}'
