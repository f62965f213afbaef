#!/usr/bin/env bash
# The original talk's stack beside livedeck's: Python asyncio + aiohttp
# (bench/farm_aiohttp.py, Debian's python3-aiohttp on /usr/bin/python3) and
# `livedeck demo farm-await`, each fetching N animals at once (1,000 and
# 10,000) at delay 1 s from the same separate `livedeck farm` process. Reports
# wall time, user and system CPU and peak RSS (/usr/bin/time), and failures.
# Usage: bench/python_aiohttp.sh [build/livedeck] [counts...]
set -euo pipefail
livedeck=${1:-build/livedeck}
shift || true
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(1000 10000)
python=/usr/bin/python3  # Debian's, with python3-aiohttp; not a pyenv one
here=$(cd "$(dirname "$0")" && pwd)
"$python" -c 'import aiohttp' 2>/dev/null ||
  { echo "python_aiohttp.sh: needs python3-aiohttp (scripts/setup.sh)" >&2; exit 2; }

port=$((20000 + RANDOM % 20000))
"$livedeck" farm --port "$port" --delay 1 >/dev/null &
farm=$!
work=$(mktemp -d)
trap 'kill $farm 2>/dev/null || true; rm -rf "$work"' EXIT
url="http://127.0.0.1:$port/animals"
for _ in $(seq 50); do
  curl -s -o /dev/null "$url/" && break
  sleep 0.1
done

names=(cow pig sheep chicken bird duck dog cat frog horse turkey rooster)
status=0
printf '%-26s %7s %8s %8s %8s %12s %8s\n' stack animals wall_s user_s sys_s peak_rss_MB failed
for n in "${counts[@]}"; do
  list="$work/animals-$n"
  for ((i = 0; i < n; i++)); do echo "${names[i % 12]}"; done >"$list"
  for stack in "python asyncio+aiohttp" "livedeck farm-await"; do
    if [ "$stack" = "livedeck farm-await" ]; then
      command=("$livedeck" demo farm-await --no-animate --farm "$url" --animals "@$list")
    else
      command=("$python" "$here/farm_aiohttp.py" "$url" "$list")
    fi
    rc=0
    /usr/bin/time -o "$work/time" -f '%e %U %S %M' "${command[@]}" >"$work/out" 2>"$work/err" || rc=$?
    read -r wall user sys rss < <(tail -n 1 "$work/time")  # after "Command exited with ..."
    answered=$(grep -c '^The .* says "' "$work/out" || true)
    failed=$((n - answered))
    printf '%-26s %7d %8.2f %8.2f %8.2f %12.1f %8d\n' "$stack" "$n" "$wall" "$user" "$sys" \
      "$(echo "$rss / 1024" | bc -l)" "$failed"
    if [ "$rc" -ne 0 ] || [ "$failed" -ne 0 ]; then
      status=1
      head -n 3 "$work/err" >&2
    fi
  done
done
exit "$status"
