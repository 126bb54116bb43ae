#!/usr/bin/env bash
# Runs COMMAND (the chaos soak) on a test stack of its own: PostgreSQL, Kafka
# and the SMTP sink under var/soak, on ports of their own. The soak stops
# Kafka and restarts PostgreSQL; on its own stack that disturbs no other test,
# so ctest runs it beside them instead of alone. The stack is stopped after.
#   tests/soak/on_own_stack.sh BUILD_DIR COMMAND...
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build_dir=$1
shift
export OUTBOX_VAR_DIR="$root/var/soak"
export TEST_PG_PORT=15533 TEST_KAFKA_PORT=19192 TEST_KAFKA_CONTROLLER_PORT=19193 \
  TEST_SMTP_PORT=12625 TEST_API_PORT=18180 TEST_RELAY_METRICS_PORT=19564 \
  TEST_REPLICATION_METRICS_PORT=19565 TEST_NOTIFICATION_METRICS_PORT=19566
startup_log=$(mktemp)
trap 'rm -f "$startup_log"; "$root/setup/test-shutdown.sh" >/dev/null 2>&1 || true' EXIT
"$root/setup/test-startup.sh" "$build_dir" >"$startup_log" 2>&1 || {
  cat "$startup_log" >&2
  echo "the soak's own stack did not start" >&2
  exit 1
}
# shellcheck disable=SC1091
source "$OUTBOX_VAR_DIR/env"
"$@"
