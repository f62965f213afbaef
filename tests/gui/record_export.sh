#!/usr/bin/env bash
# Recording a talk as a person would, then exporting it: a real window under
# Xvfb driven with xdotool, a PulseAudio null sink as the microphone with a
# tone played into it, kill -9 mid-talk, then `livedeck export` of the
# session, checked with ffprobe (duration, chapters, audio) and tesseract
# (the right slide and the demo's output at known times).
# Usage: record_export.sh LIVEDECK DECK   (inside xvfb-run)
set -euo pipefail
livedeck=$1
deck=$2
work=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
  pulseaudio --kill 2>/dev/null || true
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
source "$(dirname "$0")/lib.sh"

# A microphone: PulseAudio of our own with a null sink; its monitor is the source.
export PULSE_RUNTIME_PATH=$work/pulse XDG_RUNTIME_DIR=$work/xdg HOME=$work
mkdir -p "$PULSE_RUNTIME_PATH" "$XDG_RUNTIME_DIR"
pulseaudio -D --exit-idle-time=-1 -n --load="module-null-sink sink_name=mic" \
  --load=module-native-protocol-unix 2>"$work/pulse.log" || fail "pulseaudio did not start: $(cat "$work/pulse.log")"
for _ in $(seq 50); do pactl info >/dev/null 2>&1 && break; sleep 0.1; done
pactl info >/dev/null 2>&1 || fail "pulseaudio does not answer"
# A null sink with no low-latency reader runs 2 s ahead and is silent meanwhile:
# wake it the way tests/mic_test.cpp does.
pactl suspend-sink mic 1 && pactl suspend-sink mic 0
# One second of a 1 kHz tone.
ffmpeg -loglevel error -f lavfi -i "sine=frequency=1000:duration=1" -ac 1 -ar 48000 "$work/tone.wav"


rec=$work/rec
"$livedeck" --delay 0.2 --single-window --record "$rec" --mic mic.monitor "$deck" >"$work/log" 2>&1 &
pid=$!
wid=$(xdotool search --sync --onlyvisible --name '^livedeck - ' | head -n 1) || fail "no window"
wait_title "$wid" 'livedeck - 1/*' 10
sleep 1
xdotool key --window "$wid" Right
wait_title "$wid" 'livedeck - 2/*' 10
paplay --device=mic "$work/tone.wav" &
sleep 1.5
xdotool key --window "$wid" Right
wait_title "$wid" 'livedeck - 3/*' 10
xdotool key --window "$wid" r
# The demo types three lines at 50 ms a character: about 4 s at this delay.
sleep 5
xdotool key --window "$wid" m
sleep 1
[ -s "$rec/session.jsonl" ] || fail "no session log while recording"
[ -s "$rec/audio.mka" ] || fail "no audio while recording: $(cat "$work/log")"
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
pid=

# The log survived the crash, cut short; the export says so and renders it all.
grep -q '"e":"marker"' "$rec/session.jsonl" || fail "the marker is not in the log"
"$livedeck" export "$work/talk.mkv" --session "$rec" --size 1280x720 --quiet 2>"$work/export.log" ||
  fail "export failed: $(cat "$work/export.log")"
grep -q "ends early" "$work/export.log" || fail "the export did not say the log was cut short"
probe=$(ffprobe -v error -show_entries format=duration:stream=codec_type,codec_name -show_chapters -of compact "$work/talk.mkv")
echo "$probe"
duration=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$work/talk.mkv")
awk -v d="$duration" 'BEGIN { exit !(d > 7.5 && d < 15) }' || fail "duration $duration s, expected about 10 s"
grep -q "codec_type=audio" <<<"$probe" || fail "no audio stream"
grep -q "title=1. GUI test deck" <<<"$probe" || fail "no chapter for slide 1"
grep -q "title=3. Sequential on slide three" <<<"$probe" || fail "no chapter for slide 3"
[ "$(grep -c '^chapter' <<<"$probe")" -ge 4 ] || fail "expected 3 slide chapters and a marker"
grep -q "^00:00 1. GUI test deck" "$work/talk.chapters.txt" || fail "chapters.txt: $(cat "$work/talk.chapters.txt")"

# Frames at known times: the slide shown, and the demo's output once typed.
chapter3=$(ffprobe -v error -show_chapters -of csv=p=0 "$work/talk.mkv" | grep "Sequential on slide three" | head -n 1 | cut -d, -f4)
# The frame on screen at time $1: the last one that starts at or before it
# (frames come only when something changed; -ss would give the next one).
frame() { ffmpeg -loglevel error -y -i "$work/talk.mkv" -vf "select='lte(t,$1)'" -vsync passthrough -update 1 "$2"; }
frame "$(echo "$chapter3 + 0.3" | bc)" "$work/slide3.png"
tesseract "$work/slide3.png" - 2>/dev/null | grep -q "Sequential on slide three" || fail "slide 3 not at its chapter"
frame "$(echo "$chapter3 + 5.5" | bc)" "$work/typed.png"
text=$(tesseract "$work/typed.png" - 2>/dev/null)
grep -q "The chicken says" <<<"$text" || fail "the demo's output is not in the video: $text"
frame 0.5 "$work/first.png"
tesseract "$work/first.png" - 2>/dev/null | grep -q "GUI test deck" || fail "slide 1 not at the start"
# The tone: in the video's audio (a silent recording peaks far lower).
peak=$(ffmpeg -hide_banner -nostats -i "$work/talk.mkv" -map 0:a -af volumedetect -f null - 2>&1 |
  awk '/max_volume/ {print $5}')
[ -n "$peak" ] || fail "no audio to measure"
awk -v p="$peak" 'BEGIN { exit !(p > -30) }' || fail "the tone is not in the audio (peak $peak dB)"
echo "audio peak $peak dB"
echo "record and export test passed"
