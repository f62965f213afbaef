#!/usr/bin/env bash
# Export speed and size: a walk-through of the talk to 1080p30 video (demos
# run first, all at once), a recorded session of the talk's first slides and
# two demos exported again, and the talk as PDF without running the demos.
# Each prints its wall time against the video's length.
# Usage: xvfb-run -a bench/export.sh [build/livedeck] [DECK]   (the session part needs the display)
set -euo pipefail
livedeck=${1:-build/livedeck}
deck=${2:-slides/talk.md}
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT; echo "work: $work"
seconds() { date +%s.%N; }
duration() { ffprobe -v error -show_entries format=duration -of csv=p=0 "$1"; }
report() {  # label, file, wall seconds
  local d size
  d=$(duration "$2")
  size=$(stat -c %s "$2")
  echo "$1: $(printf '%.1f' "$d") s of video in $(printf '%.1f' "$3") s = $(echo "scale=1; $d / $3" | bc)x real time, $(echo "scale=2; $size / 1048576" | bc) MB ($(echo "scale=2; $size / 1048576 / ($d / 60)" | bc) MB/min)"
}

start=$(seconds)
"$livedeck" export "$work/walk.mp4" --quiet "$deck"
report "walk-through, 1080p30" "$work/walk.mp4" "$(echo "$(seconds) - $start" | bc)"

start=$(seconds)
"$livedeck" export "$work/talk.pdf" --no-run --quiet "$deck"
end=$(seconds)
echo "PDF --no-run: $(pdfinfo "$work/talk.pdf" | awk '/^Pages/ {print $2}') pages in $(printf '%.2f' "$(echo "$end - $start" | bc)") s, $(( $(stat -c %s "$work/talk.pdf") / 1024 )) KB"

[ -n "${DISPLAY:-}" ] || { echo "session: skipped (no DISPLAY)"; exit 0; }
"$livedeck" --single-window --record "$work/rec" "$deck" >"$work/log" 2>&1 &
pid=$!
wid=$(xdotool search --sync --onlyvisible --name '^livedeck - 1/' | head -n 1)
for slide in 2 3 4 5; do sleep 2; xdotool key --window "$wid" Right; done
xdotool key --window "$wid" r   # slide 5: sequential, about 9 s
sleep 11
xdotool key --window "$wid" Right Right
xdotool key --window "$wid" r   # slide 7: threads, about 3 s
sleep 5
xdotool key --window "$wid" ctrl+q 2>/dev/null || true  # the window may go before the key is released
wait $pid || true
start=$(seconds)
"$livedeck" export "$work/session.mp4" --quiet --session "$work/rec"
report "recorded session, 1080p30" "$work/session.mp4" "$(echo "$(seconds) - $start" | bc)"
