# Shared helpers for the setup scripts. Source it; do not run it.
# shellcheck shell=bash

PROJECT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$PROJECT_ROOT/setup/kafka/pom.xml")"
KAFKA_LIBS="$PROJECT_ROOT/.deps/kafka-$KAFKA_VERSION/libs"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Runs a command as the postgres system user when we are root (PostgreSQL
# refuses to run as root), as ourselves otherwise.
as_pg_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# True when something listens on 127.0.0.1:$1.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_for DESCRIPTION SECONDS COMMAND...: retries COMMAND until it succeeds.
wait_for() {
  local what=$1 seconds=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then return 1; fi
    sleep 0.2
  done
  log "$what is up"
}

# Pid files are the only way we find our processes: we never kill by name, so
# nothing outside this project is touched. A pid counts only while its command
# line still mentions our var directory (guards against pid reuse).
pid_alive() {
  local pidfile=$1 marker=$2 pid
  [ -f "$pidfile" ] || return 1
  pid=$(cat "$pidfile")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker"
}

# start_daemon PIDFILE LOGFILE COMMAND...: starts COMMAND detached.
start_daemon() {
  local pidfile=$1 logfile=$2; shift 2
  mkdir -p "$(dirname "$pidfile")" "$(dirname "$logfile")"
  setsid nohup "$@" >>"$logfile" 2>&1 </dev/null &
  echo $! >"$pidfile"
}

# stop_daemon NAME PIDFILE MARKER: SIGTERM, then SIGKILL after 20 s.
stop_daemon() {
  local name=$1 pidfile=$2 marker=$3 pid
  if ! pid_alive "$pidfile" "$marker"; then rm -f "$pidfile"; return 0; fi
  pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name did not stop in 20 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  log "$name stopped"
}

# fail_service NAME LOGFILE: the one way a start-up failure is reported.
# fail_service NAME "LOGFILE [LOGFILE...]": shows the end of each log, then dies.
fail_service() {
  local name=$1 logfile
  for logfile in $2; do
    if [ -f "$logfile" ]; then
      printf -- '--- last lines of %s ---\n' "$logfile" >&2
      tail -n 20 "$logfile" >&2
    fi
  done
  die "$name did not come up; see $2"
}
