#!/usr/bin/env bash
# Runs farm-await and farm-stackless with 1,000 and 10,000 animals at delay
# 1 s against a separate farm process (so each process stays under the
# open-files limit) and reports wall time, CPU time and peak RSS.
# Usage: bench/demo_scale.sh [build/livedeck]
set -euo pipefail
livedeck=${1:-build/livedeck}
port=$((20000 + RANDOM % 20000))
"$livedeck" farm --port "$port" --delay 1 >/dev/null &
farm=$!
trap 'kill $farm 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -s -o /dev/null "http://127.0.0.1:$port/animals/" && break
  sleep 0.1
done

animals() {  # N names cycling through the twelve animals
  local names=(cow pig sheep chicken bird duck dog cat frog horse turkey rooster) out=() i
  for ((i = 0; i < $1; i++)); do out+=("${names[i % 12]}"); done
  local IFS=,
  echo "${out[*]}"
}

printf '%-15s %7s %9s %9s %9s %11s\n' demo animals wall_s user_s sys_s peak_rss_MB
for n in 1000 10000; do
  list=$(animals "$n")
  for demo in farm-await farm-stackless; do
    stats=$( { /usr/bin/time -f '%e %U %S %M' "$livedeck" demo "$demo" --no-animate \
                 --farm "http://127.0.0.1:$port/animals" --animals "$list" >/tmp/demo_scale.out; } 2>&1 | tail -n 1)
    lines=$(wc -l </tmp/demo_scale.out)
    [ "$lines" -eq "$n" ] || { echo "$demo printed $lines lines, expected $n" >&2; exit 1; }
    read -r wall user sys rss <<<"$stats"
    printf '%-15s %7d %9.2f %9.2f %9.2f %11.1f\n' "$demo" "$n" "$wall" "$user" "$sys" "$(echo "$rss / 1024" | bc -l)"
  done
done
