#!/usr/bin/env bash
# The sanitizer gate (CI): the whole test suite under AddressSanitizer and
# UndefinedBehaviorSanitizer (asan preset, build-asan/), then the suites of
# the threaded code (the demo runtime, the demos, the farm server and
# clients, the presentation model: label "threaded" in tests/CMakeLists.txt)
# under ThreadSanitizer (tsan preset, build-tsan/, only those targets built).
# Any finding fails its test, and so this script.
# Usage: scripts/sanitize.sh [asan] [tsan]   (default: both)
set -euo pipefail
cd "$(dirname "$0")/.."

# ccache, as for the release build. The asan and tsan builds share nothing
# (their flags differ); on a clean clone it speeds up only a rerun.
if command -v ccache >/dev/null; then
  export CMAKE_CXX_COMPILER_LAUNCHER=ccache CMAKE_C_COMPILER_LAUNCHER=ccache
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
fi

stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(asan tsan)

timed() {  # timed LABEL COMMAND...: runs it and prints how long it took
  local label=$1 start=$SECONDS
  shift
  "$@"
  echo "sanitize.sh: $label took $((SECONDS - start)) s"
}

asan() {
  timed "asan configure" cmake --preset asan
  timed "asan build" cmake --build --preset asan
  timed "asan tests" ctest --preset asan
}

tsan() {
  timed "tsan configure" cmake --preset tsan
  timed "tsan build" cmake --build --preset tsan --target threaded_suites
  # GCC 12's ThreadSanitizer cannot map its shadow memory when the kernel
  # randomizes mmap with more than 28 bits (vm.mmap_rnd_bits): run it without
  # address randomization there.
  local run=()
  if [ "$(cat /proc/sys/vm/mmap_rnd_bits 2>/dev/null || echo 28)" -gt 28 ]; then
    run=(setarch "$(uname -m)" --addr-no-randomize)
  fi
  timed "tsan tests" "${run[@]}" ctest --preset tsan
}

for stage in "${stages[@]}"; do
  case $stage in
    asan) asan ;;
    tsan) tsan ;;
    *) echo "usage: $0 [asan] [tsan]" >&2; exit 2 ;;
  esac
done
