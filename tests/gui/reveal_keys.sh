#!/usr/bin/env bash
# Reveal steps counted by key presses: a presenterm deck in a real window
# under Xvfb. Next steps through a slide's pauses and incremental list
# before it moves on, Previous steps back (and comes back to a slide with
# all of it shown); the window's title says the step, and the screen shows
# what the step reveals (read with tesseract).
# Usage: reveal_keys.sh LIVEDECK DECK   (run inside xvfb-run; DECK: dialects/presenterm.md)
set -euo pipefail
livedeck=$1
deck=$2
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

source "$(dirname "$0")/lib.sh"

grab() {  # screenshot of the whole screen
  ffmpeg -loglevel error -y -f x11grab -video_size 1280x720 -i "$DISPLAY" -frames:v 1 "$1"
}
press() {  # press KEY, then wait for the title PATTERN
  xdotool key --window "$wid" "$1"
  wait_title "$wid" "$2" 10
}

"$livedeck" "$deck" >"$work/log" 2>&1 &
pid=$!
wid=$(xdotool search --sync --onlyvisible --name '^livedeck' | head -n 1) || fail "no window"
[ -n "$wid" ] || fail "no window"
xdotool windowmove "$wid" 0 0 windowsize --sync "$wid" 1280 720 windowfocus --sync "$wid"
wait_title "$wid" 'livedeck - 1/5 - *' 10

# Slide 3, "Pauses": its first view, then four steps (a pause, three items).
press Right 'livedeck - 2/5 - Slide titles'
press Right 'livedeck - 3/5 - Pauses - step 1/5'
grab "$work/first.png"
text=$(tesseract "$work/first.png" - 2>/dev/null)
grep -q "First part" <<<"$text" || fail "step 1 does not show the first part: $text"
grep -q "Second part" <<<"$text" && fail "step 1 shows what the pause hides: $text"
presses=0
for step in 2 3 4 5; do
  press Right "livedeck - 3/5 - Pauses - step $step/5"
  presses=$((presses + 1))
done
[ "$presses" -eq 4 ] || fail "expected 4 presses through the steps"
grab "$work/all.png"
text=$(tesseract "$work/all.png" - 2>/dev/null)
for word in "Second part" cow pig hen; do
  grep -qi "$word" <<<"$text" || fail "the last step does not show '$word': $text"
done
# One more: the next slide, from its first view.
press Right 'livedeck - 4/5 - Columns'
# Back: the slide as it was left, every step shown; then step by step to its first view.
press Left 'livedeck - 3/5 - Pauses - step 5/5'
press Left 'livedeck - 3/5 - Pauses - step 4/5'
press space 'livedeck - 3/5 - Pauses - step 5/5'
for step in 4 3 2 1; do press Left "livedeck - 3/5 - Pauses - step $step/5"; done
press Left 'livedeck - 2/5 - Slide titles'
# Jumps land on a slide's first view.
press End 'livedeck - 5/5 - A table'
xdotool type --window "$wid" 3
press Return 'livedeck - 3/5 - Pauses - step 1/5'

xdotool windowfocus --sync "$wid" key ctrl+q 2>/dev/null || true  # the window may go before the key is released
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "did not quit on Ctrl+Q"
wait "$pid" || fail "exit status $?: $(cat "$work/log")"
echo "reveal test passed"
