#!/usr/bin/env bash
# Following a talk at scale (issue 11): one presenter running a demo, N
# simulated followers in one process against a local mosquitto (started by
# livedeck's embedded-broker code on a free loopback port), for N = 10, 100
# and 1,000; then 100 followers through two bridged brokers, and a late
# joiner. One line per run:
#   followers=N p50=<ms> p99=<ms> lost=<n> reordered=<n> events=<n> ... publisher_cpu=<% of a core> ...
#
#   bench/follow.sh [SECONDS per run, default 10] [extra follow_bench flags: --animals N, --qos 0|1, ...]
# Goals: 1,000 followers with p50 <= 50 ms, p99 <= 250 ms, lost 0; late joiner <= 1 s; publisher <= 5 % of a core.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
shift $(($# > 0 ? 1 : 0))
[ -x /usr/sbin/mosquitto ] || { echo "follow.sh: mosquitto is not installed: apt-get install mosquitto" >&2; exit 1; }
[ -x build/bench/follow_bench ] || cmake --build --preset release --target follow_bench
# Two sockets a follower (ours and the broker's): the bench raises its soft limit to the hard one.
echo "# $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), open files hard limit $(ulimit -Hn), $(/usr/sbin/mosquitto -h 2>/dev/null | head -n 1)"
timeout $((seconds * 6 + 120)) build/bench/follow_bench --seconds "$seconds" "$@"
