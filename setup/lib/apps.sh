# The project's own processes: customer-api, outbox-relay, replication-worker
# and notification-worker, started from a build folder with pid files in
# var/<profile>/run and logs in var/<profile>/log. Each is checked before it is
# started, so a rerun starts only what has stopped.
# shellcheck shell=bash

APPS=${APPS:-"customer-api outbox-relay replication-worker notification-worker"}

# app_status_port NAME: the port a process answers /healthz on.
app_status_port() {
  case "$1" in
    customer-api) echo "$API_PORT" ;;
    outbox-relay) echo "$RELAY_METRICS_PORT" ;;
    replication-worker) echo "$REPLICATION_METRICS_PORT" ;;
    notification-worker) echo "$NOTIFICATION_METRICS_PORT" ;;
  esac
}

# app_command NAME BUILD_DIR: the command line of a process. Addresses come as
# flags so that nothing depends on the caller's environment.
app_command() {
  local name=$1 build_dir=$2
  local metrics="127.0.0.1:$(app_status_port "$name")"
  # Each log rotates at 10 MB, three old files kept: bounded however long it runs.
  local logging="--log-file $LOG_DIR/$name.log --log-max-bytes 10485760 --log-files 3"
  # The relay and the workers catch up a backlog later; a request waits now.
  # On two cores their bursts doubled the API's POST p99 (bench/RESULTS.md,
  # "API tail with the whole pipeline"), so they run at a lower CPU priority.
  local background="nice -n $BACKGROUND_NICE"
  # Each process logs in with its own role; libpq finds its password in the
  # pgpass file (setup/lib/pg_roles.sh), so none is on a command line.
  local pg="env PGPASSFILE=$(pg_passfile)"
  case "$name" in
    customer-api)
      echo "$pg $build_dir/src/api/customer-api --database-url $(pg_role_url customer_api customers)" \
        "--notifications-database-url $(pg_role_url customer_api notifications)" \
        "--pipeline-metrics outbox-relay=http://127.0.0.1:$RELAY_METRICS_PORT/metrics,replication-worker=http://127.0.0.1:$REPLICATION_METRICS_PORT/metrics,notification-worker=http://127.0.0.1:$NOTIFICATION_METRICS_PORT/metrics" \
        "--listen 127.0.0.1:$API_PORT --allow-unauthenticated --web-root $PROJECT_ROOT/web $logging" ;;
    outbox-relay)
      echo "$pg $background $build_dir/src/outbox/outbox-relay" \
        "--database-url $(pg_local_url outbox_relay customers)" \
        "--brokers $KAFKA_BROKERS --metrics-address $metrics $logging" ;;
    replication-worker)
      echo "$pg $background $build_dir/src/workers/replication/replication-worker" \
        "--replica-database-url $(pg_role_url replication_worker customers_replica)" \
        "--brokers $KAFKA_BROKERS" \
        "--metrics-address $metrics --group-instance-id $PROFILE-replication-1 $logging" ;;
    notification-worker)
      echo "$pg $background $build_dir/src/workers/notification/notification-worker" \
        "--database-url $(pg_role_url notification_worker notifications) --brokers $KAFKA_BROKERS" \
        "--smtp-url smtp://127.0.0.1:$SMTP_PORT --metrics-address $metrics" \
        "--group-instance-id $PROFILE-notification-1 $logging" ;;
  esac
}

app_healthy() { curl -sf "http://127.0.0.1:$1/healthz" >/dev/null; }

app_start() {
  local name=$1 build_dir=$2 port command
  port=$(app_status_port "$name")
  command="$(app_command "$name" "$build_dir") $(kafka_app_identity_flags "$name")"
  if pid_alive "$RUN_DIR/$name.pid" "127.0.0.1:$port"; then
    log "$name already running (status on http://127.0.0.1:$port)"
    return 0
  fi
  port_open "$port" && die "port $port for $name is taken by another process; free it or change the profile"
  log "starting $name (status on http://127.0.0.1:$port)"
  # shellcheck disable=SC2086 # the command is a list of words without spaces inside
  # The log proper goes to --log-file; stderr keeps what bypasses it (a crash).
  start_daemon "$RUN_DIR/$name.pid" "$LOG_DIR/$name.stderr.log" $command
  wait_for "$name" 20 app_healthy "$port" ||
    fail_service "$name" "$LOG_DIR/$name.log $LOG_DIR/$name.stderr.log"
}

apps_start() {
  local build_dir=$1 name
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  for name in $APPS; do app_start "$name" "$build_dir"; done
}

apps_stop() {
  local name
  # Reverse order: the API stops taking writes before the relay drains.
  for name in $(echo "$APPS" | tr ' ' '\n' | tac); do
    stop_daemon "$name" "$RUN_DIR/$name.pid" "127.0.0.1:$(app_status_port "$name")"
  done
}
