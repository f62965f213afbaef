#!/usr/bin/env bash
# Code line highlights stepped by key presses: a deck whose second slide
# holds ```rust {1-2|4|all} and then a pause, in a real window under Xvfb.
# Next moves the highlight (the window's title says the step; the screen's
# rows that change are the lines the mark leaves and reaches), then reveals
# what the pause hides; Previous steps back to the same picture.
# Usage: code_steps.sh LIVEDECK DECK   (run inside xvfb-run; DECK: code_steps.md)
set -euo pipefail
livedeck=$1
deck=$2
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

source "$(dirname "$0")/lib.sh"

grab() {  # the whole screen, as raw RGB rows (and a PNG for tesseract)
  ffmpeg -loglevel error -y -f x11grab -draw_mouse 0 -video_size 1280x720 -i "$DISPLAY" -frames:v 1 "$1.png"
  ffmpeg -loglevel error -y -i "$1.png" -f rawvideo -pix_fmt rgb24 "$1.rgb"
}
press() {  # press KEY, then wait for the title PATTERN
  xdotool key --window "$wid" "$1"
  wait_title "$wid" "$2" 10
}
# differing_runs A B: the runs of screen rows that differ, as "first-last" (0-based, inclusive).
differing_runs() {
  python3 - "$1.rgb" "$2.rgb" <<'PY'
import sys
a, b = (open(p, "rb").read() for p in sys.argv[1:3])
row = 1280 * 3
runs = []
for y in range(720):
    if a[y * row:(y + 1) * row] == b[y * row:(y + 1) * row]:
        continue
    if runs and runs[-1][1] == y - 1:
        runs[-1][1] = y
    else:
        runs.append([y, y])
print(" ".join(f"{f}-{l}" for f, l in runs))
PY
}

"$livedeck" "$deck" >"$work/log" 2>&1 &
pid=$!
wid=$(xdotool search --sync --onlyvisible --name '^livedeck' | head -n 1) || fail "no window"
[ -n "$wid" ] || fail "no window"
xdotool windowmove "$wid" 0 0 windowsize --sync "$wid" 1280 720 windowfocus --sync "$wid"
wait_title "$wid" 'livedeck - 1/5 - *' 10

# Slide 2: three highlight steps and a pause.
press Right 'livedeck - 2/5 - Slidev steps - step 1/4'
grab "$work/s1"
press Right 'livedeck - 2/5 - Slidev steps - step 2/4'
grab "$work/s2"
# The mark leaves lines 1-2 and reaches line 4: two runs of rows, a line
# (28 px at 720p) of unchanged, dimmed line 3 between them.
runs=$(differing_runs "$work/s1" "$work/s2")
read -r -a parts <<<"$runs"
[ "${#parts[@]}" -eq 2 ] || fail "step 2 changed the rows '$runs', expected two runs (lines 1-2 and line 4)"
first_end=${parts[0]#*-}
second_start=${parts[1]%-*}
gap=$((second_start - first_end - 1))
[ "$gap" -ge 24 ] && [ "$gap" -le 32 ] || fail "rows '$runs': line 3 between the runs is $gap px, not one line"
press Right 'livedeck - 2/5 - Slidev steps - step 3/4'
grab "$work/s3"
text=$(tesseract "$work/s3.png" - 2>/dev/null)
grep -q "After the code" <<<"$text" && fail "step 3 shows what the pause hides: $text"
press Right 'livedeck - 2/5 - Slidev steps - step 4/4'
grab "$work/s4"
text=$(tesseract "$work/s4.png" - 2>/dev/null)
grep -q "After the code" <<<"$text" || fail "step 4 does not show the text after the pause: $text"
# One more: the next slide. Back: every step shown, then step by step.
press Right 'livedeck - 3/5 - presenterm lines'
press Left 'livedeck - 2/5 - Slidev steps - step 4/4'
press Left 'livedeck - 2/5 - Slidev steps - step 3/4'
press Left 'livedeck - 2/5 - Slidev steps - step 2/4'
grab "$work/back"
runs=$(differing_runs "$work/s2" "$work/back")
[ -z "$runs" ] || fail "step 2 reached backwards differs from step 2 reached forwards in rows '$runs'"
press Left 'livedeck - 2/5 - Slidev steps - step 1/4'
press Left 'livedeck - 1/5 - *'

xdotool windowfocus --sync "$wid" key ctrl+q 2>/dev/null || true  # the window may go before the key is released
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "did not quit on Ctrl+Q"
wait "$pid" || fail "exit status $?: $(cat "$work/log")"
echo "code steps test passed"
