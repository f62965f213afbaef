#!/usr/bin/env bash
# Builds the libFuzzer targets (the fuzz preset: Debian's clang, ASan+UBSan)
# and runs each for SECONDS (default 60), one after the other, from its seed
# corpus in tests/fuzz/<target>/ and its dictionary tests/fuzz/<target>.dict.
# What a run finds goes to a scratch corpus, build-fuzz/corpus/<target>/, so
# the repository's seeds never grow by themselves (copy an input there by
# hand to keep it). A crash leaves its input in build-fuzz/crashes/ and fails
# the script; the full log of each run is build-fuzz/fuzz-<target>.log.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     (default: every target)
#   build-fuzz/fuzz/fuzz_deck build-fuzz/crashes/fuzz_deck-crash-...   # replay one input
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift $(($# > 0 ? 1 : 0))
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_deck fuzz_directive fuzz_farm_request fuzz_farm_reply fuzz_session_log fuzz_follow)

if command -v ccache >/dev/null; then
  export CMAKE_C_COMPILER_LAUNCHER=${CMAKE_C_COMPILER_LAUNCHER:-ccache}
  export CMAKE_CXX_COMPILER_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER:-ccache}
fi
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

# Undefined behaviour aborts (the build has -fno-sanitize-recover), with a
# stack; Debian's llvm-symbolizer, where installed, names its lines.
symbolizer=$(command -v llvm-symbolizer-16 llvm-symbolizer | head -n 1 || true)
symbolize=${symbolizer:+:external_symbolizer_path=$(readlink -f "$symbolizer")}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1$symbolize}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1$symbolize}
mkdir -p build-fuzz/crashes
failed=()
for t in "${targets[@]}"; do
  corpus=build-fuzz/corpus/$t
  mkdir -p "$corpus"
  seeds=("tests/fuzz/$t")
  [ "$t" = fuzz_deck ] && seeds+=(slides tests/data/decks)  # the talk itself, the test decks
  options=(-max_total_time="$seconds" -timeout=10 -print_final_stats=1 -artifact_prefix="build-fuzz/crashes/$t-")
  [ -f "tests/fuzz/$t.dict" ] && options+=(-dict="tests/fuzz/$t.dict")
  log=build-fuzz/fuzz-$t.log
  status=0
  "build-fuzz/fuzz/$t" "${options[@]}" "$corpus" "${seeds[@]}" >"$log" 2>&1 || status=$?
  execs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$log")
  took=$(awk '/stat::average_exec_per_sec/ { print $2 }' "$log")
  printf '%-18s %10s execs  %7s exec/s  corpus %s\n' "$t" "${execs:-?}" "${took:-?}" \
    "$(find "$corpus" -type f | wc -l)"
  if [ "$status" -ne 0 ]; then
    echo "fuzz: $t failed (exit $status); the end of $log:" >&2
    tail -n 40 "$log" >&2
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (inputs in build-fuzz/crashes/)" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${seconds} s each, no crash"
