#!/usr/bin/env bash
# farm-await and farm-stackless at scale, delay 1 s: wall time, CPU time,
# peak RSS, and failed requests.
#   - against a separate farm process: 1,000 and 10,000 animals;
#   - against the embedded farm, over HTTP/2 (more than 100 animals: a
#     thousand requests a connection, 10,000 in flight, the rest queue):
#     1,000, 10,000 and 50,000 animals (farm-await).
# The separate farm is spoken to in HTTP/1.1, a connection a request.
# Usage: bench/demo_scale.sh [build/livedeck]
set -euo pipefail
livedeck=${1:-build/livedeck}
work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
"$livedeck" farm --port "$port" --delay 1 >/dev/null &
farm=$!
trap 'kill $farm 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 50); do
  curl -s -o /dev/null "http://127.0.0.1:$port/animals/" && break
  sleep 0.1
done

names() {  # N names cycling through the twelve animals, one a line
  local all=(cow pig sheep chicken bird duck dog cat frog horse turkey rooster) i
  for ((i = 0; i < $1; i++)); do echo "${all[i % 12]}"; done >"$work/animals-$1"
}

echo "open files: soft $(ulimit -Sn), hard $(ulimit -Hn) (livedeck lifts the soft limit to the hard one)"
printf '%-15s %-9s %7s %9s %9s %9s %11s %8s\n' demo farm animals wall_s user_s sys_s peak_rss_MB failed
run() {  # demo farm-kind n [extra args...]
  local demo=$1 kind=$2 n=$3
  shift 3
  local stats lines failed
  stats=$( { /usr/bin/time -f '%e %U %S %M' "$livedeck" demo "$demo" --no-animate --animals "@$work/animals-$n" \
               "$@" >"$work/out"; } 2>&1 | tail -n 1)
  lines=$(grep -c ' says ' "$work/out" || true)
  failed=$((n - lines))
  read -r wall user sys rss <<<"$stats"
  printf '%-15s %-9s %7d %9.2f %9.2f %9.2f %11.1f %8d\n' "$demo" "$kind" "$n" "$wall" "$user" "$sys" \
    "$(echo "$rss / 1024" | bc -l)" "$failed"
}
for n in 1000 10000 50000; do names "$n"; done
for n in 1000 10000; do
  for demo in farm-await farm-stackless; do
    run "$demo" separate "$n" --farm "http://127.0.0.1:$port/animals"
  done
done
for n in 1000 10000 50000; do run farm-await embedded "$n" --delay 1; done
