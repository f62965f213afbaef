# Shared by the GUI tests (sourced): failing with the program's log, and
# waiting for a window's title, which livedeck sets once a frame shows it.

# Prints the reason (and $work/log, the program's output, if there is one) and exits.
fail() {
  echo "FAIL: $*" >&2
  if [ -n "${work:-}" ] && [ -f "$work/log" ]; then cat "$work/log" >&2; fi
  exit 1
}

# wait_title WINDOW PATTERN SECONDS: until WINDOW's title matches PATTERN.
wait_title() {
  local window=$1 pattern=$2 limit=$3 title=""
  for _ in $(seq $((limit * 10))); do
    title=$(xdotool getwindowname "$window" 2>/dev/null || true)
    [[ $title == $pattern ]] && return 0
    sleep 0.1
  done
  fail "title is '$title', expected '$pattern'"
}
