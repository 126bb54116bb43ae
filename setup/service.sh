#!/usr/bin/env bash
# Starts or stops one service or process of a stack, e.g. for outage tests,
# drills and the runbook (docs/RUNBOOK.md):
#   setup/service.sh dev|test start|stop postgres|kafka|smtp
#   setup/service.sh dev|test start|stop customer-api|outbox-relay|replication-worker|notification-worker
# After `source var/<profile>/env` it acts on exactly that stack. Processes
# start from OUTBOX_BUILD_DIR (default build/release) with the flags of
# setup/lib/apps.sh; variables such as RELAY_MAX_MESSAGE_BYTES reach them.
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
usage="setup/service.sh dev|test start|stop postgres|kafka|smtp|customer-api|outbox-relay|replication-worker|notification-worker"
[ $# -eq 3 ] || die "usage: $usage"
load_profile "$1"
build_dir=${OUTBOX_BUILD_DIR:-$PROJECT_ROOT/build/release}
case "$2:$3" in
  start:postgres) pg_start ;;
  stop:postgres) pg_stop ;;
  start:kafka) kafka_start ;;
  stop:kafka) kafka_stop ;;
  start:smtp) smtp_start ;;
  stop:smtp) smtp_stop ;;
  start:customer-api | start:outbox-relay | start:replication-worker | start:notification-worker)
    mkdir -p "$RUN_DIR" "$LOG_DIR"
    app_start "$3" "$build_dir" ;;
  stop:customer-api | stop:outbox-relay | stop:replication-worker | stop:notification-worker)
    stop_daemon "$3" "$RUN_DIR/$3.pid" "127.0.0.1:$(app_status_port "$3")" ;;
  *) die "unknown action '$2 $3' (usage: $usage)" ;;
esac
