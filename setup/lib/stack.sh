# Brings the services of a profile up (databases, migrations, topics) or down.
# shellcheck shell=bash
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/profile.sh"
source "$(dirname "${BASH_SOURCE[0]}")/postgres.sh"
source "$(dirname "${BASH_SOURCE[0]}")/pg_roles.sh"
source "$(dirname "${BASH_SOURCE[0]}")/kafka.sh"
source "$(dirname "${BASH_SOURCE[0]}")/smtp.sh"
source "$(dirname "${BASH_SOURCE[0]}")/apps.sh"

# stack_up ADMIN_BIN: every step checks before it acts, so a rerun repairs a
# stopped service and leaves running ones alone.
stack_up() {
  local admin=$1
  [ -x "$admin" ] || die "$admin is missing; run setup/build.sh first"
  pg_start
  kafka_start
  smtp_start
  # Roles, passwords and database owners first (as postgres), then the
  # migrations as outbox_owner (setup/lib/pg_roles.sh).
  pg_bootstrap_roles "$admin"
  for db in $DATABASES; do
    pg_migrate "$admin" "$db" || die "migrations of database $db failed"
  done
  # TOPIC_PARTITIONS: partitions of each topic when it is created (default 1);
  # existing topics keep theirs (see docs/SCALING.md before changing it).
  # Without --topic: the pipeline's topics, as listed in core/domain/events.hpp.
  # shellcheck disable=SC2046 # flags without spaces inside
  "$admin" create-topics --brokers "$KAFKA_BROKERS" --partitions "${TOPIC_PARTITIONS:-1}" \
    $(kafka_identity_flags pipeline-admin) ||
    die "creating the Kafka topics failed; see $LOG_DIR/kafka.log"
  # shellcheck disable=SC2046
  "$admin" kafka-acls --brokers "$KAFKA_BROKERS" $(kafka_identity_flags pipeline-admin) ||
    die "granting the Kafka ACLs failed; see $LOG_DIR/kafka.log"
  write_env_file "$(cd "$(dirname "$admin")/../.." && pwd)"
}

stack_down() {
  apps_stop
  smtp_stop
  kafka_stop
  pg_stop
}

# var/<profile>/env: the addresses of this stack, for tests and shells.
# write_env_file BUILD_DIR: the build whose processes this stack runs
# (setup/service.sh and the runbook's commands use it).
write_env_file() {
  cat >"$VAR_DIR/env" <<ENV
export OUTBOX_PROFILE=$PROFILE
export PG_URL_BASE=$PG_URL_BASE
export DATABASE_URL=$PG_URL_BASE/customers
export REPLICA_DATABASE_URL=$PG_URL_BASE/customers_replica
export NOTIFICATION_DATABASE_URL=$PG_URL_BASE/notifications
export KAFKA_BROKERS=$KAFKA_BROKERS
export SMTP_URL=smtp://127.0.0.1:$SMTP_PORT
export SMTP_MAILDIR=$MAIL_DIR
export API_PORT=$API_PORT
export OUTBOX_BUILD_DIR=$1
export API_URL=http://127.0.0.1:$API_PORT
export RELAY_STATUS_URL=http://127.0.0.1:$RELAY_METRICS_PORT
export REPLICATION_STATUS_URL=http://127.0.0.1:$REPLICATION_METRICS_PORT
export NOTIFICATION_STATUS_URL=http://127.0.0.1:$NOTIFICATION_METRICS_PORT
$(pg_role_env)
$(kafka_env_lines)
$(profile_overrides)
ENV
}
