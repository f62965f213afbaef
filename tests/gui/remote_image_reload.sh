#!/usr/bin/env bash
# Remote images are fetched in the background: the window opens at once
# although its image hangs, a slow image shows a placeholder naming it, and
# one that a hot reload adds appears once it is in the cache (read back from
# the screen).
# Servers on loopback: python3's http.server, and one that never answers.
# Usage: remote_image_reload.sh LIVEDECK   (run inside xvfb-run)
set -euo pipefail
livedeck=$1
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; [ -n "${KEEP_WORK:-}" ] && cp -r "$work" "$KEEP_WORK"; rm -rf "$work"' EXIT

source "$(dirname "$0")/lib.sh"

grab() {  # screenshot of the whole screen
  ffmpeg -loglevel error -y -f x11grab -video_size 1280x720 -i "$DISPLAY" -frames:v 1 "$1"
}
# red_pixels PNG: how many pixels are pure red (the served image).
red_pixels() {
  ffmpeg -loglevel error -i "$1" -f rawvideo -pix_fmt rgb24 - |
    python3 -c 'import sys; d = sys.stdin.buffer.read(); print(sum(1 for i in range(0, len(d), 3) if d[i] > 240 and d[i+1] < 16 and d[i+2] < 16))'
}

# A solid red 320x180 PNG, written here.
mkdir -p "$work/site"
python3 - "$work/site/red.png" <<'PY'
import struct, sys, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
rows = b"".join(b"\x00" + b"\xff\x00\x00" * 320 for _ in range(180))
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 320, 180, 8, 2, 0, 0, 0))
                               + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
PY

python3 -u -m http.server --bind 127.0.0.1 --directory "$work/site" 0 >"$work/http.log" 2>&1 &
pids+=($!)
python3 -u -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(); print(s.getsockname()[1], flush=True)
held = []
while True: held.append(s.accept())' >"$work/silent.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  grep -q "port" "$work/http.log" 2>/dev/null && [ -s "$work/silent.log" ] && break
  sleep 0.1
done
port=$(sed -n 's/.* port \([0-9]*\).*/\1/p' "$work/http.log" | head -n 1)
silent=$(head -n 1 "$work/silent.log")
[ -n "$port" ] && [ -n "$silent" ] || fail "servers did not start"

export XDG_CACHE_HOME="$work/cache"
deck="$work/deck.md"
# The window opens at once, although its one image hangs (the fetch's limit is 20 s).
printf '# Before\n\n![slow](http://127.0.0.1:%s/slow.png)\n' "$silent" >"$deck"
"$livedeck" "$deck" >"$work/log" 2>&1 &
pid=$!
pids+=($pid)
wid=$(xdotool search --sync --onlyvisible --name '^livedeck' | head -n 1) || fail "no window"
xdotool windowmove "$wid" 0 0 windowsize --sync "$wid" 1280 720 windowfocus --sync "$wid"
wait_title "$wid" 'livedeck - 1/1 - Before' 10

printf '# After\n\n![slow](http://127.0.0.1:%s/slow.png)\n\n![red](http://127.0.0.1:%s/red.png)\n' "$silent" "$port" >"$deck"
wait_title "$wid" 'livedeck - 1/1 - After' 10
# The reload drew at once (the title says so) while the slow image hangs;
# the red one comes in the background.
red=0
deadline=$((SECONDS + 20))
while [ $SECONDS -lt $deadline ]; do
  grab "$work/after.png"
  red=$(red_pixels "$work/after.png")
  [ "$red" -gt 10000 ] && break
done
[ "$red" -gt 10000 ] || fail "the remote image is not on screen ($red red pixels)"
text=$(tesseract "$work/after.png" - 2>/dev/null)
grep -qi "loading" <<<"$text" || fail "no placeholder for the slow image: $text"
ls "$work/cache/livedeck/images/" | grep -q '\.png$' || fail "nothing in the cache"
kill -0 "$pid" || fail "livedeck exited"
# Quitting while the slow fetch hangs: the transfer is stopped, not waited for.
xdotool key --window "$wid" ctrl+q 2>/dev/null || true  # (the window may be gone before the key is up)
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "livedeck did not quit within 5 s of Ctrl+Q with a fetch in flight"
wait "$pid" || fail "livedeck exited with $?"
echo "ok: $red red pixels; placeholder: $(grep -i loading <<<"$text" | head -n 1)"
