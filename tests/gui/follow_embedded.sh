#!/usr/bin/env bash
# `livedeck --publish` without a URL: livedeck starts Debian's mosquitto
# itself on a free loopback port (its own config: a generated presenter
# password, read-only anonymous followers), prints the URL followers use,
# and stops the broker when the talk ends. A follower with that URL follows,
# also a blackout (B); `browse DECK --follow URL` follows until a key breaks
# away, and J rejoins. The broker dies with the presenter, even one killed
# with SIGKILL (a crash).
# Usage: follow_embedded.sh LIVEDECK DECK   (inside xvfb-run -s "-screen 0 2560x720x24")
set -euo pipefail
livedeck=$1
deck=$2
work=$(mktemp -d)
presenter= follower= broker_pid=
cleanup() {
  for p in $presenter $follower; do kill -9 "$p" 2>/dev/null || true; done
  # The broker gets SIGTERM when the presenter dies; this one too, in case.
  [ -n "$broker_pid" ] && { kill "$broker_pid" 2>/dev/null || true; }
  [ -n "${KEEP:-}" ] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT
source "$(dirname "$0")/lib.sh"
logs() { for f in "$work"/*.log; do echo "== $f"; tail -n 40 "$f"; done >"$work/log"; }
eval "fail_with_log() $(declare -f fail | tail -n +2)"
fail() { logs; fail_with_log "$@"; }

grab() {  # grab FILE COLUMN
  ffmpeg -loglevel error -y -f x11grab -draw_mouse 0 -video_size 2560x720 -i "$DISPLAY" -frames:v 1 \
    -vf "crop=1280:720:$(($2 * 1280)):0" "$1"
}
# The brightest grey level of the window above its status line (0: all black).
brightest() {
  ffmpeg -loglevel error -i "$1" -vf "crop=1280:640:0:0,scale=240:120,format=gray" -f rawvideo - |
    od -An -tu1 -v | tr -s ' ' '\n' | sort -n | tail -n 1
}
window() {  # window PID NAME COLUMN
  local id=""
  for _ in $(seq 100); do
    id=$(xdotool search --all --onlyvisible --pid "$1" --name "$2" 2>/dev/null | head -n 1 || true)
    [ -n "$id" ] && break
    kill -0 "$1" 2>/dev/null || fail "the program ($2) exited"
    sleep 0.1
  done
  [ -n "$id" ] || fail "no window $2"
  xdotool windowmove --sync "$id" $(($3 * 1280)) 0 windowsize --sync "$id" 1280 720
  echo "$id"
}

"$livedeck" --single-window --delay 0.2 --publish "$deck" >"$work/presenter.log" 2>&1 &
presenter=$!
pwin=$(window "$presenter" '^livedeck - ' 0)
wait_title "$pwin" 'livedeck - 1/*' 10
url=$(sed -n 's/^Followers: livedeck follow \(mqtt:.*\)$/\1/p' "$work/presenter.log")
[[ $url == mqtt://127.0.0.1:*/talk ]] || fail "the presenter printed no loopback URL for followers: '$url'"
broker_pid=$(pgrep -P "$presenter" -x mosquitto) || fail "no mosquitto child of the presenter"
# Followers may only read: an anonymous publish to the talk is not delivered.
port=${url#mqtt://127.0.0.1:}
port=${port%/talk}

"$livedeck" follow "$url" >"$work/follower.log" 2>&1 &
follower=$!
fwin=$(window "$follower" '^livedeck follow' 1)
wait_title "$fwin" 'livedeck follow - 1/*' 10
xdotool key --window "$pwin" Right
wait_title "$fwin" 'livedeck follow - 2/*' 2

# The blackout reaches the follower; its status line stays (below the slide's place).
xdotool key --window "$pwin" b
deadline=$((SECONDS + 5))
until grab "$work/black.png" 1 && [ "$(brightest "$work/black.png")" -le 8 ]; do
  [ $SECONDS -lt $deadline ] || fail "B on the presenter did not black the follower's screen"
done
xdotool key --window "$pwin" b
deadline=$((SECONDS + 5))
until grab "$work/back.png" 1 && [ "$(brightest "$work/back.png")" -gt 100 ]; do
  [ $SECONDS -lt $deadline ] || fail "the follower's slide did not come back"
done

# An anonymous client cannot write the talk (the ACL): the follower never sees it.
mosquitto_pub -h 127.0.0.1 -p "$port" -t livedeck/talk/events -m 'junk' -q 1 2>/dev/null || true
xdotool key --window "$pwin" Right
wait_title "$fwin" 'livedeck follow - 3/*' 2
grep -q "refused" "$work/follower.log" && fail "an anonymous client's message reached the follower"

# browse DECK --follow URL: a follower with its own copy of the deck. (The
# first follower goes as a closed laptop does, killed: under Xvfb, a window
# that closes on Ctrl+Q between the key's press and release leaves the next
# program's first Ctrl+Q unseen.)
kill -9 "$follower"
wait "$follower" 2>/dev/null || true
"$livedeck" browse "$deck" --follow "$url" >"$work/browser.log" 2>&1 &
follower=$!
fwin=$(window "$follower" '^livedeck follow' 1)
wait_title "$fwin" 'livedeck follow - 3/*' 10
xdotool key --window "$fwin" Home
wait_title "$fwin" 'livedeck follow - 1/*' 5
xdotool key --window "$pwin" Right
wait_title "$pwin" 'livedeck - 4/*' 5
xdotool key --window "$fwin" j
wait_title "$fwin" 'livedeck follow - 4/*' 2

# The end of the talk ends the broker.
for name in follower presenter; do
  win=fwin
  [ $name = presenter ] && win=pwin
  xdotool key --window "${!win}" ctrl+q 2>/dev/null || true
  pid=${!name}
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && fail "$name did not quit on Ctrl+Q"
  wait "$pid" || fail "$name: exit status $?"
  printf -v "$name" '%s' ""
done
kill -0 "$broker_pid" 2>/dev/null && fail "the embedded broker outlived the talk"

# A presenter that crashes (SIGKILL: no destructor runs) takes its broker with it.
gone() {  # gone PID: not running (a zombie that no init reaps counts as gone)
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) || return 0
  [[ $state == Z* ]]
}
"$livedeck" --single-window --publish "$deck" >"$work/crashed.log" 2>&1 &
presenter=$!
window "$presenter" '^livedeck - ' 0 >/dev/null
broker_pid=$(pgrep -P "$presenter" -x mosquitto) || fail "no mosquitto child of the second presenter"
kill -9 "$presenter"
wait "$presenter" 2>/dev/null || true
presenter=
for _ in $(seq 50); do gone "$broker_pid" && break; sleep 0.1; done
gone "$broker_pid" || fail "the embedded broker outlived a presenter killed with SIGKILL"
broker_pid=
echo "embedded broker test passed"
