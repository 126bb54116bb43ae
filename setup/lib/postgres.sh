# The project's own PostgreSQL cluster under var/<profile>/postgres.
# shellcheck shell=bash

# As the postgres role: a probe as the caller's name (root) makes the server
# log 'FATAL: role "root" does not exist' on every check.
pg_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres; }

pg_running() { as_pg_user "$PG_BIN/pg_ctl" status -D "$PG_DATA" >/dev/null 2>&1; }

# The postgres user must be able to reach var/; a checkout in a private folder
# (mktemp -d gives 0700) would block it, so we open the project root for
# traversal (x only, nothing readable) and nothing above it.
pg_ensure_reachable() {
  [ "$(id -u)" -eq 0 ] || return 0
  mkdir -p "$VAR_DIR"
  if ! runuser -u postgres -- test -x "$VAR_DIR"; then
    chmod o+x "$PROJECT_ROOT" "$PROJECT_ROOT/var" "$VAR_DIR"
  fi
  runuser -u postgres -- test -x "$VAR_DIR" ||
    die "the postgres user cannot reach $VAR_DIR; move the checkout under a folder other users can traverse"
}

pg_init() {
  [ -f "$PG_DATA/PG_VERSION" ] && return 0
  log "initialising PostgreSQL cluster in $PG_DATA"
  mkdir -p "$PG_DATA"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG_DATA"
  chmod 700 "$PG_DATA"
  as_pg_user "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --no-locale >"$LOG_DIR/initdb.log" 2>&1 ||
    fail_service "initdb" "$LOG_DIR/initdb.log"
  cat >>"$PG_DATA/postgresql.conf" <<CONF

# --- project settings (setup/lib/postgres.sh) ---
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 300
shared_buffers = 256MB
fsync = $PG_DURABLE
synchronous_commit = $PG_DURABLE
full_page_writes = $PG_DURABLE
log_min_messages = warning
log_line_prefix = '%m [%p] %d '
CONF
}

# outbox-relay --source wal streams a logical replication slot: it needs
# wal_level=logical. A slot that nobody reads keeps its WAL; past
# max_slot_wal_keep_size the server gives the slot up rather than fill the
# disk (the relay then needs a new slot and a replay: docs/RUNBOOK.md).
PG_MAX_SLOT_WAL_KEEP_SIZE=${PG_MAX_SLOT_WAL_KEEP_SIZE:-2GB}

# Settings written on every start, so that an existing cluster picks up a
# change (port, or the replication settings a cluster made before them lacks).
pg_write_start_settings() {
  local conf="$PG_DATA/postgresql.conf"
  sed -i -E '/^(port|unix_socket_directories|wal_level|max_slot_wal_keep_size|max_replication_slots|max_wal_senders) = /d' "$conf"
  if [ -n "$PG_SOCKET_DIR" ]; then
    mkdir -p "$PG_SOCKET_DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG_SOCKET_DIR"
  fi
  cat >>"$conf" <<CONF
port = $PG_PORT
unix_socket_directories = '$PG_SOCKET_DIR'
wal_level = logical
max_slot_wal_keep_size = '$PG_MAX_SLOT_WAL_KEEP_SIZE'
max_replication_slots = 32
max_wal_senders = 32
CONF
}

# A running cluster started before these settings were written (wal_level,
# the socket directory): only a restart applies them.
pg_restart_for_settings() {
  local level sockets
  level=$(psql_admin -d postgres -tAc "SHOW wal_level") || return 0
  sockets=$(psql_admin -d postgres -tAc "SHOW unix_socket_directories") || return 0
  [ "$level" = logical ] && [ "$sockets" = "$PG_SOCKET_DIR" ] && return 0
  log "restarting PostgreSQL to apply wal_level=logical and unix_socket_directories"
  as_pg_user "$PG_BIN/pg_ctl" restart -D "$PG_DATA" -m fast -l "$LOG_DIR/postgres.log" -w -t 60 >/dev/null ||
    fail_service "PostgreSQL" "$LOG_DIR/postgres.log"
  wait_for "PostgreSQL" 30 pg_ready || fail_service "PostgreSQL" "$LOG_DIR/postgres.log"
}

pg_start() {
  pg_ensure_reachable
  mkdir -p "$LOG_DIR"
  pg_init
  pg_write_start_settings
  if pg_running; then
    pg_ready || wait_for "PostgreSQL" 30 pg_ready || fail_service "PostgreSQL" "$LOG_DIR/postgres.log"
    pg_restart_for_settings
    # Settings that need no restart (max_slot_wal_keep_size).
    as_pg_user "$PG_BIN/pg_ctl" reload -D "$PG_DATA" >/dev/null
    log "PostgreSQL already running on 127.0.0.1:$PG_PORT"
    return 0
  fi
  port_open "$PG_PORT" && die "port $PG_PORT is taken by another process; set PG_PORT/TEST_PG_PORT to a free port"
  # One log per run, the previous one kept: the log stays bounded by a run.
  [ -f "$LOG_DIR/postgres.log" ] && mv -f "$LOG_DIR/postgres.log" "$LOG_DIR/postgres.log.1"
  touch "$LOG_DIR/postgres.log"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$LOG_DIR/postgres.log"
  log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
  as_pg_user "$PG_BIN/pg_ctl" start -D "$PG_DATA" -l "$LOG_DIR/postgres.log" -w -t 60 >/dev/null ||
    fail_service "PostgreSQL" "$LOG_DIR/postgres.log"
  wait_for "PostgreSQL" 30 pg_ready || fail_service "PostgreSQL" "$LOG_DIR/postgres.log"
}

pg_stop() {
  [ -f "$PG_DATA/PG_VERSION" ] || return 0
  if pg_running; then
    as_pg_user "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m fast -w >/dev/null && log "PostgreSQL stopped"
  fi
}

psql_admin() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"; }

pg_create_database() {
  local db=$1
  if [ -z "$(psql_admin -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
    psql_admin -d postgres -c "CREATE DATABASE \"$db\"" && log "database $db created"
  fi
}
