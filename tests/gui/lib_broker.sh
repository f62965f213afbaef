# Shared by the follow tests (sourced after lib.sh): a mosquitto of the
# test's own on a free loopback port, with a configuration the test writes:
# the presenter (user "presenter", password in $work/presenter.password) may
# write livedeck/#, anonymous clients may only read it (and the broker's
# client count). Needs $work.

# A free TCP port on loopback (bound and released).
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# broker_config PORT: writes $work/broker/{mosquitto.conf,passwd,acl}.
broker_config() {
  local port=$1 dir=$work/broker
  mkdir -p "$dir"
  printf 'secret-%s\n' "$RANDOM$RANDOM" >"$work/presenter.password"
  mosquitto_passwd -c -b "$dir/passwd" presenter "$(head -n 1 "$work/presenter.password")" ||
    fail "mosquitto_passwd failed"
  cat >"$dir/acl" <<'EOF'
# Anonymous clients (followers): read only.
topic read livedeck/#
topic read $SYS/broker/clients/connected
user presenter
topic readwrite livedeck/#
topic read $SYS/broker/clients/connected
EOF
  cat >"$dir/mosquitto.conf" <<EOF
# Written by the test: one listener on loopback, no persistence (a restart
# forgets the retained snapshot: the presenter must publish it again).
listener $port 127.0.0.1
allow_anonymous true
password_file $dir/passwd
acl_file $dir/acl
persistence false
sys_interval 1
log_dest stderr
log_type error
log_type warning
log_type notice
log_type information
EOF
  # Run as root (the test's user), mosquitto would switch to the user
  # "mosquitto", who cannot read the test's files.
  [ "$(id -u)" = 0 ] && echo "user root" >>"$dir/mosquitto.conf"
  chmod 0700 "$dir" && chmod 0600 "$dir/passwd" "$dir/acl"
  broker_port=$port
}

# broker_start: starts it in the background ($broker_pid) and waits until it listens.
broker_start() {
  "${MOSQUITTO:-/usr/sbin/mosquitto}" -c "$work/broker/mosquitto.conf" >>"$work/broker.log" 2>&1 &
  broker_pid=$!
  for _ in $(seq 100); do
    mosquitto_sub -h 127.0.0.1 -p "$broker_port" -t 'livedeck/probe' -W 1 -C 1 -E 2>/dev/null && return 0
    kill -0 "$broker_pid" 2>/dev/null || fail "mosquitto did not start: $(tail -n 5 "$work/broker.log")"
    sleep 0.1
  done
  fail "mosquitto does not answer on port $broker_port: $(tail -n 5 "$work/broker.log")"
}

# broker_kill: SIGKILL, as a crash.
broker_kill() {
  kill -9 "$broker_pid" 2>/dev/null || true
  wait "$broker_pid" 2>/dev/null || true
  broker_pid=
}
