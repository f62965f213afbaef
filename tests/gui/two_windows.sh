#!/usr/bin/env bash
# Two windows on one wide screen, as with a projector the desktop joins to the
# laptop's screen: the console on the left, the audience window placed with
# --audience-geometry on the right half. Driven with real key presses
# (xdotool), read back from the screen (ffmpeg's x11grab + tesseract).
# Usage: two_windows.sh LIVEDECK DECK   (inside xvfb-run -s "-screen 0 3840x1080x24")
set -euo pipefail
livedeck=$1
deck=$2
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

source "$(dirname "$0")/lib.sh"


# The audience half (right) or the console half (left) of the screen.
grab() {  # grab FILE right|left
  local x=0
  [ "$2" = right ] && x=1920
  ffmpeg -loglevel error -y -f x11grab -draw_mouse 0 -video_size 3840x1080 -i "$DISPLAY" -frames:v 1 \
    -vf "crop=1920:1080:$x:0" "$1"
}
# The brightest grey level of a picture (0: all black).
brightest() {
  ffmpeg -loglevel error -i "$1" -vf scale=240:135,format=gray -f rawvideo - |
    od -An -tu1 -v | tr -s ' ' '\n' | sort -n | tail -n 1
}
ocr() { tesseract "$1" - 2>/dev/null; }

"$livedeck" --delay 0.2 --audience-geometry 1920x1080+1920+0 "$deck" >"$work/log" 2>&1 &
pid=$!
audience=$(xdotool search --sync --onlyvisible --name '^livedeck audience - ' | head -n 1) || fail "no audience window"
console=$(xdotool search --sync --onlyvisible --name '^livedeck - ' | head -n 1) || fail "no console window"
[ -n "$audience" ] && [ -n "$console" ] || fail "expected two windows"
eval "$(xdotool getwindowgeometry --shell "$audience")"
[ "$X" = 1920 ] && [ "$Y" = 0 ] && [ "$WIDTH" = 1920 ] && [ "$HEIGHT" = 1080 ] ||
  fail "audience window at ${WIDTH}x${HEIGHT}+$X+$Y, expected 1920x1080+1920+0"
xdotool windowfocus --sync "$console"
wait_title "$audience" 'livedeck audience - 1/*' 10

# Right in the console moves the audience window on.
xdotool key --window "$console" Right
wait_title "$audience" 'livedeck audience - 2/*' 10
wait_title "$console" 'livedeck - 2/*' 10
grab "$work/audience2.png" right
text=$(ocr "$work/audience2.png")
grep -q "Parallelism" <<<"$text" || fail "slide 2 not on the audience screen: $text"
grep -q "Slide two" <<<"$text" && fail "the notes are on the audience screen"
grep -q "NOTES" <<<"$text" && fail "the console is on the audience screen"
grab "$work/console2.png" left
text=$(ocr "$work/console2.png")
grep -q "Slide two" <<<"$text" || fail "the console does not show the notes: $text"

# A key in the audience window does the same.
xdotool key --window "$audience" Right
wait_title "$console" 'livedeck - 3/*' 10
xdotool key --window "$console" Left
wait_title "$audience" 'livedeck audience - 2/*' 10

# B blacks the audience screen only; B again brings the slide back.
xdotool key --window "$console" b
deadline=$((SECONDS + 10))
until grab "$work/black.png" right && [ "$(brightest "$work/black.png")" -le 8 ]; do
  [ $SECONDS -lt $deadline ] || fail "B did not black the audience screen"
done
grab "$work/console_black.png" left
[ "$(brightest "$work/console_black.png")" -gt 100 ] || fail "B blacked the console too"
ocr "$work/console_black.png" | grep -qi "black" || fail "the console does not say the room sees black"
xdotool key --window "$console" period
deadline=$((SECONDS + 10))
until grab "$work/back.png" right && ocr "$work/back.png" | grep -q "Parallelism"; do
  [ $SECONDS -lt $deadline ] || fail "'.' did not bring the slide back"
done

# G, a word, Enter: go to the slide that holds it.
xdotool key --window "$console" g
xdotool type --window "$console" "hand"
xdotool key --window "$console" Return
wait_title "$audience" 'livedeck audience - 4/*' 10

# Ctrl+Q in the console quits.
xdotool key --window "$console" Home
wait_title "$console" 'livedeck - 1/*' 10
xdotool key --window "$console" ctrl+q 2>/dev/null || true  # the window may go before the key is released
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "did not quit on Ctrl+Q"
wait "$pid" || fail "exit status $?"
pid=
echo "two-window test passed"
