#!/usr/bin/env bash
# The farm under Apache Bench: `ab -c 50 -n 20000` against `livedeck farm
# --delay 0`, a new connection for every request (no -k), then the same with
# keep-alive (-k) for reference. Prints requests per second, failed requests
# and non-2xx answers; exits 1 if any request failed.
# Usage: bench/ab.sh [build/livedeck] [requests]
set -euo pipefail
livedeck=${1:-build/livedeck}
requests=${2:-20000}
concurrency=50
command -v ab >/dev/null || { echo "ab.sh: needs ab (Debian apache2-utils; scripts/setup.sh)" >&2; exit 2; }

port=$((20000 + RANDOM % 20000))
"$livedeck" farm --port "$port" --delay 0 >/dev/null &
farm=$!
out=$(mktemp)
trap 'kill $farm 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 50); do
  curl -s -o /dev/null "http://127.0.0.1:$port/animals/" && break
  sleep 0.1
done

failures=0
printf '%-26s %9s %8s %8s %8s\n' connections requests req_per_s failed non_2xx
run() {  # label, then ab's extra options
  local label=$1
  shift
  ab -q -c "$concurrency" -n "$requests" "$@" "http://127.0.0.1:$port/animals/cow" >"$out" 2>&1 ||
    { cat "$out" >&2; exit 1; }
  local rps failed non2xx complete
  complete=$(awk '/^Complete requests:/ {print $3}' "$out")
  rps=$(awk '/^Requests per second:/ {print $4}' "$out")
  failed=$(awk '/^Failed requests:/ {print $3}' "$out")
  non2xx=$(awk '/^Non-2xx responses:/ {print $3}' "$out")
  non2xx=${non2xx:-0}
  printf '%-26s %9s %8s %8s %8s\n' "$label" "$complete" "$rps" "$failed" "$non2xx"
  [ "$complete" = "$requests" ] && [ "$failed" = 0 ] && [ "$non2xx" = 0 ] || failures=1
}
run "new each (-c $concurrency)"
run "keep-alive (-c $concurrency -k)" -k
exit "$failures"
