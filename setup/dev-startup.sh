#!/usr/bin/env bash
# Brings the whole local stack up and prints where everything runs:
# PostgreSQL 5433, Kafka 9092, SMTP sink 2525, customer-api 8080 (all on 127.0.0.1).
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
  PostgreSQL  $PG_URL_BASE  (databases: $DATABASES)
  Kafka       $KAFKA_BROKERS
  SMTP sink   smtp://127.0.0.1:$SMTP_PORT  (mail lands in $MAIL_DIR/new)
  Logs        $LOG_DIR
  Shell env   source $VAR_DIR/env
Stop it with setup/dev-shutdown.sh
INFO
