# Ports and folders of a stack profile: "dev" or "test". The two never share a
# port or a folder, so a dev stack and a test run can coexist.
# shellcheck shell=bash

load_profile() {
  PROFILE=$1
  case "$PROFILE" in
    dev)
      PG_PORT=${PG_PORT:-5433}
      KAFKA_PORT=${KAFKA_PORT:-9092}
      KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
      SMTP_PORT=${SMTP_PORT:-2525}
      API_PORT=${API_PORT:-8080}
      RELAY_METRICS_PORT=${RELAY_METRICS_PORT:-9464}
      REPLICATION_METRICS_PORT=${REPLICATION_METRICS_PORT:-9465}
      NOTIFICATION_METRICS_PORT=${NOTIFICATION_METRICS_PORT:-9466}
      PG_DURABLE=on
      # The relay and the workers yield the CPU to customer-api (see apps.sh).
      BACKGROUND_NICE=${BACKGROUND_NICE:-10}
      ;;
    test)
      PG_PORT=${TEST_PG_PORT:-15433}
      KAFKA_PORT=${TEST_KAFKA_PORT:-19092}
      KAFKA_CONTROLLER_PORT=${TEST_KAFKA_CONTROLLER_PORT:-19093}
      SMTP_PORT=${TEST_SMTP_PORT:-12525}
      API_PORT=${TEST_API_PORT:-18080}
      RELAY_METRICS_PORT=${TEST_RELAY_METRICS_PORT:-19464}
      REPLICATION_METRICS_PORT=${TEST_REPLICATION_METRICS_PORT:-19465}
      NOTIFICATION_METRICS_PORT=${TEST_NOTIFICATION_METRICS_PORT:-19466}
      PG_DURABLE=off # test data is thrown away: skip fsync for speed
      # Tests wait for the workers with deadlines; under a loaded CI machine a
      # niced worker could miss them, so the test stack runs all at one priority.
      BACKGROUND_NICE=${TEST_BACKGROUND_NICE:-0}
      ;;
    *) die "unknown profile '$PROFILE' (expected dev or test)" ;;
  esac
  # OUTBOX_VAR_DIR (with other ports) runs a second stack of a profile beside the first.
  VAR_DIR="${OUTBOX_VAR_DIR:-$PROJECT_ROOT/var/$PROFILE}"
  LOG_DIR="$VAR_DIR/log"
  RUN_DIR="$VAR_DIR/run"
  PG_DATA="$VAR_DIR/postgres"
  # The cluster's Unix socket, for the relay (pg_local_url); none when the
  # path would pass the kernel's 107-byte limit for socket addresses.
  PG_SOCKET_DIR="$VAR_DIR/pg-socket"
  [ $((${#PG_SOCKET_DIR} + ${#PG_PORT} + 10)) -le 107 ] || PG_SOCKET_DIR=""
  KAFKA_DIR="$VAR_DIR/kafka"
  MAIL_DIR="$VAR_DIR/mail"
  PG_URL_BASE="postgresql://postgres@127.0.0.1:$PG_PORT"
  KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT"
  DATABASES="customers customers_replica notifications"
}

# The variables that bring a later load_profile back to this very stack (the
# env file writes them, so tests can stop and start its services).
profile_overrides() {
  local prefix=""
  [ "$PROFILE" = test ] && prefix=TEST_
  echo "export OUTBOX_VAR_DIR=$VAR_DIR"
  echo "export ${prefix}PG_PORT=$PG_PORT ${prefix}KAFKA_PORT=$KAFKA_PORT" \
    "${prefix}KAFKA_CONTROLLER_PORT=$KAFKA_CONTROLLER_PORT ${prefix}SMTP_PORT=$SMTP_PORT" \
    "${prefix}API_PORT=$API_PORT ${prefix}RELAY_METRICS_PORT=$RELAY_METRICS_PORT" \
    "${prefix}REPLICATION_METRICS_PORT=$REPLICATION_METRICS_PORT" \
    "${prefix}NOTIFICATION_METRICS_PORT=$NOTIFICATION_METRICS_PORT"
}

# sql/<folder> holding the migrations of each database.
migrations_for() {
  case "$1" in
    customers) echo "$PROJECT_ROOT/sql/customers" ;;
    customers_replica) echo "$PROJECT_ROOT/sql/replica" ;;
    notifications) echo "$PROJECT_ROOT/sql/notifications" ;;
  esac
}
