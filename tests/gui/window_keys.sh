#!/usr/bin/env bash
# A real window under Xvfb, driven with real key presses (xdotool), read
# back from the screen (ffmpeg's x11grab + tesseract).
# Usage: window_keys.sh LIVEDECK DECK   (run inside xvfb-run)
set -euo pipefail
livedeck=$1
deck=$2
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; [ -n "${KEEP_WORK:-}" ] && cp -r "$work" "$KEEP_WORK"; rm -rf "$work"' EXIT

source "$(dirname "$0")/lib.sh"

grab() {  # screenshot of the whole screen
  ffmpeg -loglevel error -y -f x11grab -video_size 1280x720 -i "$DISPLAY" -frames:v 1 "$1"
}

"$livedeck" --delay 0.2 "$deck" >"$work/log" 2>&1 &
pid=$!
wid=$(xdotool search --sync --onlyvisible --name '^livedeck' | head -n 1) || fail "no window"
[ -n "$wid" ] || fail "no window"
xdotool windowmove "$wid" 0 0 windowsize --sync "$wid" 1280 720 windowfocus --sync "$wid"
wait_title "$wid" 'livedeck - 1/*' 10

xdotool key --window "$wid" Right
wait_title "$wid" 'livedeck - 2/*' 10
grab "$work/two.png"
tesseract "$work/two.png" - 2>/dev/null | grep -q "Parallelism" || fail "slide 2 not on screen"

xdotool key --window "$wid" End
wait_title "$wid" 'livedeck - 4/*' 10
xdotool key --window "$wid" Home
wait_title "$wid" 'livedeck - 1/*' 10
xdotool type --window "$wid" 3
xdotool key --window "$wid" Return
wait_title "$wid" 'livedeck - 3/*' 10
# Every forward and back key, one at a time.
for pair in "Left 2" "space 3" "Up 2" "Down 3" "p 2" "n 3" "Prior 2" "Next 3"; do
  read -r key slide <<<"$pair"
  xdotool key --window "$wid" "$key"
  wait_title "$wid" "livedeck - $slide/*" 10
done
# A number that is no slide is dropped.
xdotool type --window "$wid" 9
xdotool key --window "$wid" Return Right
wait_title "$wid" 'livedeck - 4/*' 10
xdotool key --window "$wid" Left
wait_title "$wid" 'livedeck - 3/*' 10

# Run the sequential demo with R and read its output off the screen.
xdotool key --window "$wid" r
deadline=$((SECONDS + 60))
while [ $SECONDS -lt $deadline ]; do
  grab "$work/demo.png"
  tesseract "$work/demo.png" - 2>/dev/null | grep -q 'The chicken says' && break
done
text=$(tesseract "$work/demo.png" - 2>/dev/null)
grep -q 'The chicken says' <<<"$text" || fail "demo output not on screen: $text"

# A hand-driven demo: R runs it, Enter (the Step key) resumes it.
xdotool key --window "$wid" Right
wait_title "$wid" 'livedeck - 4/*' 10
xdotool key --window "$wid" r
deadline=$((SECONDS + 60))
while [ $SECONDS -lt $deadline ]; do
  xdotool key --window "$wid" Return
  grab "$work/step.png"
  # "finished" is the output pane's status: the source pane never says it.
  tesseract "$work/step.png" - 2>/dev/null | grep -q 'finished in' && break
done
# It only finishes after three Steps.
text=$(tesseract "$work/step.png" - 2>/dev/null)
grep -q 'finished in' <<<"$text" || fail "hand-driven demo did not step: $text"

# Tab: the presenter's layout, with the notes.
# The title does not change, so read the screen until the next frame shows it.
xdotool key --window "$wid" Tab
deadline=$((SECONDS + 30))
# Sparse text (--psm 11): the notes sit apart from the slide's blocks.
until grab "$work/presenter.png" && tesseract "$work/presenter.png" - --psm 11 2>/dev/null | grep -q "NOTES"; do
  [ $SECONDS -lt $deadline ] || fail "Tab did not show the presenter layout"
done
xdotool key --window "$wid" Tab

# Resizing: the slide is laid out again for the new size.
xdotool windowsize --sync "$wid" 900 700
xdotool key --window "$wid" Home
wait_title "$wid" 'livedeck - 1/*' 10
grab "$work/resized.png"
tesseract "$work/resized.png" - 2>/dev/null | grep -q "GUI test deck" || fail "title not readable after resize"

xdotool windowfocus --sync "$wid" key ctrl+q 2>/dev/null || true  # the window may go before the key is released
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "did not quit on Ctrl+Q"
wait "$pid" || fail "exit status $?: $(cat "$work/log")"
echo "window test passed"
