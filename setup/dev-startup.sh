#!/usr/bin/env bash
# Brings the whole local stack up and prints where everything runs:
# PostgreSQL 5433, Kafka 9092, SMTP sink 2525, customer-api 8080, and the
# relay and both workers with their /metrics on 9464-9466 (all on 127.0.0.1).
# Idempotent: rerun it to restart whatever has stopped.
set -euo pipefail
here="$(dirname "$0")"
"$here/install-deps.sh"
build_dir=$("$here/build.sh" | tail -n 1)
source "$here/lib/stack.sh"
load_profile dev
stack_up "$build_dir/src/admin/pipeline-admin"
apps_start "$build_dir"
cat <<INFO

Local stack is up:
  Web UI + API  http://127.0.0.1:$API_PORT/  (OpenAPI: /openapi.json, metrics: /metrics)
  outbox-relay         http://127.0.0.1:$RELAY_METRICS_PORT/metrics
  replication-worker   http://127.0.0.1:$REPLICATION_METRICS_PORT/metrics
  notification-worker  http://127.0.0.1:$NOTIFICATION_METRICS_PORT/metrics
  PostgreSQL  $PG_URL_BASE  (databases: $DATABASES)
  Kafka       $KAFKA_BROKERS
  SMTP sink   smtp://127.0.0.1:$SMTP_PORT  (mail lands in $MAIL_DIR/new)
  Logs        $LOG_DIR
  Shell env   source $VAR_DIR/env
Stop it with setup/dev-shutdown.sh
INFO
