# The project's own processes (customer-api today; the relay and the workers
# join as their issues land), started from a build folder with pid files in
# var/<profile>/run.
# shellcheck shell=bash

api_ready() { curl -sf "http://127.0.0.1:$API_PORT/readyz" >/dev/null; }

apps_start() {
  local build_dir=$1
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  if pid_alive "$RUN_DIR/customer-api.pid" "127.0.0.1:$API_PORT"; then
    log "customer-api already running on http://127.0.0.1:$API_PORT"
  else
    port_open "$API_PORT" && die "port $API_PORT is taken by another process; set API_PORT to a free port"
    log "starting customer-api on http://127.0.0.1:$API_PORT"
    start_daemon "$RUN_DIR/customer-api.pid" "$LOG_DIR/customer-api.log" \
      "$build_dir/src/api/customer-api" --database-url "$PG_URL_BASE/customers" \
      --listen "127.0.0.1:$API_PORT" --web-root "$PROJECT_ROOT/web"
    wait_for "customer-api" 20 api_ready || fail_service "customer-api" "$LOG_DIR/customer-api.log"
  fi
}

apps_stop() {
  stop_daemon "customer-api" "$RUN_DIR/customer-api.pid" "127.0.0.1:$API_PORT"
}
