#!/usr/bin/env bash
# Following a talk through a real broker, as people would: a mosquitto of the
# test's own (loopback, a free port, a config written here: the presenter has a
# password, followers may only read), a presenter window publishing to it, and
# follower windows (`livedeck follow URL`) side by side on one wide Xvfb screen,
# driven with xdotool and read back with tesseract. The followers' farm is a
# closed port: the demo output they show was replayed, not fetched.
#   1. the presenter moves two slides: the follower shows that slide within 1 s
#   2. a demo run on the presenter: the follower shows its output lines
#   3. the follower breaks away (a key), stays put, and rejoins (J)
#   4. the broker is killed and restarted: both sides recover
#   5. junk from a publisher with write rights: refused with a message, no crash
#   6. a follower started after the run catches up (slide and demo output)
#   7. the console shows the link and the number of followers
#   8. a presenter with the wrong password is refused (and its talk goes on)
# Usage: follow.sh LIVEDECK DECK   (inside xvfb-run -s "-screen 0 3840x720x24")
set -euo pipefail
livedeck=$1
deck=$2
work=$(mktemp -d)
presenter= follower= late= intruder= broker_pid=
cleanup() {
  for p in $presenter $follower $late $intruder $broker_pid; do kill -9 "$p" 2>/dev/null || true; done
  [ -n "${KEEP:-}" ] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT

source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_broker.sh"
# fail() prints $work/log: make it the end of every program's output first.
logs() { for f in "$work"/*.log; do echo "== $f"; tail -n 40 "$f"; done >"$work/log"; }
eval "fail_with_log() $(declare -f fail | tail -n +2)"
fail() { logs; fail_with_log "$@"; }
# until_log FILE PATTERN SECONDS: until the program's output says so.
until_log() {
  local deadline=$((SECONDS + $3))
  until grep -q "$2" "$1"; do
    [ $SECONDS -lt $deadline ] || fail "no '$2' in $1 after $3 s"
    sleep 0.1
  done
}

# The window at column $2 (0, 1, 2) of the 3840x720 screen.
grab() {  # grab FILE COLUMN
  ffmpeg -loglevel error -y -f x11grab -draw_mouse 0 -video_size 3840x720 -i "$DISPLAY" -frames:v 1 \
    -vf "crop=1280:720:$(($2 * 1280)):0" "$1"
}
ocr() { tesseract "$1" - 2>/dev/null; }
# until_text COLUMN PATTERN SECONDS NAME: grabs the window until its text matches.
until_text() {
  local deadline=$((SECONDS + $3)) text=""
  while :; do
    grab "$work/$4.png" "$1"
    text=$(ocr "$work/$4.png")
    grep -qE "$2" <<<"$text" && return 0
    [ $SECONDS -lt $deadline ] || { fail "$4: no '$2' on screen after $3 s: $text"; }
  done
}
# until_footer COLUMN PATTERN SECONDS NAME: the same for the window's status
# line (small grey text in the bottom left corner): cut out, enlarged and
# inverted so that tesseract reads it.
until_footer() {
  local deadline=$((SECONDS + $3)) text=""
  while :; do
    grab "$work/$4.png" "$1"
    ffmpeg -loglevel error -y -i "$work/$4.png" -vf "crop=900:44:0:672,scale=2700:132,format=gray,negate" \
      "$work/$4.footer.png"
    text=$(ocr "$work/$4.footer.png")
    grep -qE "$2" <<<"$text" && return 0
    [ $SECONDS -lt $deadline ] || fail "$4: the status line does not say '$2' after $3 s: $text"
  done
}
# wait_title_s WINDOW PATTERN SECONDS: like wait_title, finer; prints the seconds it took.
wait_title_s() {
  local start=$EPOCHREALTIME title=""
  while :; do
    title=$(xdotool getwindowname "$1" 2>/dev/null || true)
    if [[ $title == $2 ]]; then
      awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f\n", b - a }'
      return 0
    fi
    awk -v a="$start" -v b="$EPOCHREALTIME" -v l="$3" 'BEGIN { exit !(b - a > l) }' && break
    sleep 0.02
  done
  fail "title is '$title', expected '$2' within $3 s"
}
# window PID NAME COLUMN: the program's window, moved to its column.
window() {
  local id=""
  for _ in $(seq 100); do
    id=$(xdotool search --all --onlyvisible --pid "$1" --name "$2" 2>/dev/null | head -n 1 || true)
    [ -n "$id" ] && break
    kill -0 "$1" 2>/dev/null || { fail "the program ($2) exited"; }
    sleep 0.1
  done
  [ -n "$id" ] || { fail "no window $2"; }
  xdotool windowmove --sync "$id" $(($3 * 1280)) 0 windowsize --sync "$id" 1280 720
  echo "$id"
}

broker_config "$(free_port)"
broker_start
url=mqtt://127.0.0.1:$broker_port/gui
closed=$(free_port)  # nothing listens there: a follower that fetched would fail

# The presenter, publishing with the password from a file.
"$livedeck" --single-window --delay 0.2 --publish "mqtt://presenter@127.0.0.1:$broker_port/gui" \
  --password-file "$work/presenter.password" "$deck" >"$work/presenter.log" 2>&1 &
presenter=$!
pwin=$(window "$presenter" '^livedeck - ' 0)
wait_title "$pwin" 'livedeck - 1/*' 10
grep -q "Followers: livedeck follow $url\$" "$work/presenter.log" || { fail "the presenter did not print the followers' URL"; }

# A follower, anonymous, its farm a closed port.
"$livedeck" follow "$url" --farm "http://127.0.0.1:$closed" >"$work/follower.log" 2>&1 &
follower=$!
fwin=$(window "$follower" '^livedeck follow' 1)
joined=$(wait_title_s "$fwin" 'livedeck follow - 1/4*' 10)
echo "follower in step ${joined} s after its window showed"
until_footer 1 "Following the presenter" 5 follower_status

# 1. Two slides on: the follower shows the third within 1 s.
xdotool key --window "$pwin" Right
xdotool key --window "$pwin" Right
wait_title "$pwin" 'livedeck - 3/*' 10
took=$(wait_title_s "$fwin" 'livedeck follow - 3/*' 1)
echo "follower on the presenter's slide ${took} s after the presenter drew it"
grab "$work/follower3.png" 1
ocr "$work/follower3.png" | grep -q "Sequential on slide three" || { fail "slide 3 not in the follower's window"; }

# 2. A demo run on the presenter: its output in the follower's window.
xdotool key --window "$pwin" r
until_text 1 "The chicken says" 20 follower_demo
until_text 0 "The chicken says" 5 presenter_demo
grep -q ":$closed" "$work/follower.log" && fail "the follower went to its farm"

# 3. Breaking away: a key in the follower; the presenter's moves no longer apply.
xdotool key --window "$fwin" Left
wait_title "$fwin" 'livedeck follow - 2/*' 10
until_footer 1 "Broken away" 5 follower_away
xdotool key --window "$pwin" Right
wait_title "$pwin" 'livedeck - 4/*' 10
# Nothing to wait for (a follower broken away shows nothing new): the presenter's
# move reaches a follower within 1 s, so 1.5 s is time enough for it to (wrongly) arrive.
sleep 1.5
[[ $(xdotool getwindowname "$fwin") == 'livedeck follow - 2/'* ]] || { fail "the follower followed while broken away"; }
xdotool key --window "$fwin" j
wait_title_s "$fwin" 'livedeck follow - 4/*' 2 >/dev/null
until_footer 1 "Following the presenter" 5 follower_back

# 4. The broker goes away: the talk goes on; both sides say so, and recover.
broker_kill
xdotool key --window "$pwin" Left
wait_title "$pwin" 'livedeck - 3/*' 5
until_footer 1 "Cannot reach" 15 follower_lost
until_log "$work/presenter.log" "broker away" 10
broker_start
recovered=$(wait_title_s "$fwin" 'livedeck follow - 3/*' 30)
echo "follower in step again ${recovered} s after the broker restarted"
until_footer 1 "Following the presenter" 10 follower_recovered
xdotool key --window "$pwin" Right
took=$(wait_title_s "$fwin" 'livedeck follow - 4/*' 1)
echo "after the restart: follower on the presenter's slide within ${took} s"

# 5. Junk from a publisher that may write (a hostile or broken presenter).
for topic in events state; do
  mosquitto_pub -h 127.0.0.1 -p "$broker_port" -u presenter -P "$(head -n 1 "$work/presenter.password")" \
    -t "livedeck/gui/$topic" -m '{"v":1,"seq":"not a number", "junk": [[[[[[' -q 1
done
head -c 100000 /dev/urandom | mosquitto_pub -h 127.0.0.1 -p "$broker_port" -u presenter \
  -P "$(head -n 1 "$work/presenter.password")" -t livedeck/gui/events -s -q 1
until_footer 1 "refused" 10 follower_refused
kill -0 "$follower" || { fail "the follower died of junk"; }
xdotool key --window "$pwin" Left
wait_title_s "$fwin" 'livedeck follow - 3/*' 2 >/dev/null

# 6. A follower started after the run: the slide and the demo's output.
started=$EPOCHREALTIME
"$livedeck" follow "$url" --farm "http://127.0.0.1:$closed" >"$work/late.log" 2>&1 &
late=$!
lwin=$(window "$late" '^livedeck follow' 2)
caught=$(wait_title_s "$lwin" 'livedeck follow - 3/*' 5)
echo "late follower in step ${caught} s after its window showed," \
  "$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }') s after it was started"
until_text 2 "The chicken says" 15 late_demo

# 7. The console: the broker link and two followers.
xdotool key --window "$pwin" Tab
until_text 0 "2 followers" 10 console

# (The late follower goes, killed as a closed laptop: its column is the next
# window's. Under Xvfb, a window that closes on Ctrl+Q between the key's press
# and release leaves the next program's first Ctrl+Q unseen.)
kill -9 "$late"
wait "$late" 2>/dev/null || true
late=

# 8. A presenter with the wrong password is refused, and says so; its talk goes on.
printf 'wrong\n' >"$work/wrong.password"
"$livedeck" --single-window --delay 0.2 --publish "mqtt://presenter@127.0.0.1:$broker_port/gui" \
  --password-file "$work/wrong.password" "$deck" >"$work/intruder.log" 2>&1 &
intruder=$!
iwin=$(window "$intruder" '^livedeck - ' 2)
until_log "$work/intruder.log" "refused" 10
xdotool key --window "$iwin" Right
wait_title "$iwin" 'livedeck - 2/*' 5
wait_title "$fwin" 'livedeck follow - 3/*' 1  # the followers still follow the presenter

for p in "$pwin" "$fwin" "$iwin"; do xdotool key --window "$p" ctrl+q 2>/dev/null || true; done
for name in presenter follower intruder; do
  pid=${!name}
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && fail "$name did not quit on Ctrl+Q"
  wait "$pid" || fail "$name: exit status $?"
  printf -v "$name" '%s' ""
done
echo "follow test passed"
