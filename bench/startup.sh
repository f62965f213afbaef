#!/usr/bin/env bash
# Start-up to the first slide: the wall time of `livedeck shot --slide 1`
# (headless), and of a window until its first frame is drawn (the title
# names the slide only from then on), with the window's memory (PSS) once
# idle. Best and median of 5. The window part needs a display (xvfb-run -a).
# Usage: bench/startup.sh [build/livedeck] [DECK]
set -euo pipefail
livedeck=${1:-build/livedeck}
deck=${2:-slides/talk.md}
report() {  # label, then times
  local label=$1
  shift
  printf '%s\n' "$@" | sort -n | awk -v l="$label" '{a[NR]=$1} END {printf "%s: best %.3f s, median %.3f s\n", l, a[1], a[int((NR+1)/2)]}'
}
times=()
for _ in 1 2 3 4 5; do
  start=$(date +%s.%N)
  "$livedeck" shot -o /tmp/startup.png --slide 1 "$deck"
  end=$(date +%s.%N)
  times+=("$(echo "$end - $start" | bc)")
done
report "shot --slide 1" "${times[@]}"

[ -n "${DISPLAY:-}" ] || { echo "window: skipped (no DISPLAY; run under xvfb-run -a)"; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for mode in ${MODES:-single two}; do
  times=()
  pss=()
  for _ in 1 2 3 4 5; do
    args=(--single-window)
    [ $mode = two ] && args=(--audience-geometry 640x360+700+0)
    # Xvfb refuses a new client now and then when they come quickly: a start
    # that could not open its display is tried again (and not timed).
    for attempt in 1 2 3; do
      start=$(date +%s.%N)
      "$livedeck" "${args[@]}" "$deck" >"$work/log" 2>&1 &
      pid=$!
      deadline=$((SECONDS + 20))
      until xdotool search --name '^livedeck - 1/' >/dev/null 2>"$work/xdotool.err"; do
        sleep 0.02
        kill -0 $pid 2>/dev/null || break
        [ $SECONDS -lt $deadline ] || { echo "no first frame in 20 s: $(cat "$work/xdotool.err" "$work/log")"; exit 1; }
      done
      kill -0 $pid 2>/dev/null && break
      [ $attempt -lt 3 ] || { echo "livedeck did not start: $(cat "$work/log")"; exit 1; }
      sleep 1
    done
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
    sleep 1.5
    pss+=("$(awk '/^Pss:/ {print $2 / 1024}' /proc/$pid/smaps_rollup)")
    kill $pid
    wait $pid 2>/dev/null || true
    sleep 0.5  # Xvfb refuses new clients now and then when they come too quickly
  done
  report "window ($mode) to first frame" "${times[@]}"
  printf '%s\n' "${pss[@]}" | sort -n | awk -v m=$mode '{a[NR]=$1} END {printf "window (%s) PSS once idle: median %.1f MB\n", m, a[int((NR+1)/2)]}'
done
