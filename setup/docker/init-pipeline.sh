#!/bin/sh
# One-shot job of the compose deployment: applies the migrations of the three
# databases and creates the topics. Safe to run on every `up` (both steps are
# no-ops when there is nothing to do). create-topics without --topic creates
# the pipeline's own topics (the list is in core/domain/events.hpp).
set -eu
sql=/opt/customer-outbox/share/customer-outbox/sql
pipeline-admin migrate --database-url "$DATABASE_URL" --dir "$sql/customers"
pipeline-admin migrate --database-url "$REPLICA_DATABASE_URL" --dir "$sql/replica"
pipeline-admin migrate --database-url "$NOTIFICATION_DATABASE_URL" --dir "$sql/notifications"
pipeline-admin create-topics --brokers "$KAFKA_BROKERS" --partitions "${TOPIC_PARTITIONS:-1}" \
  --replication-factor "${TOPIC_REPLICATION_FACTOR:-1}"
# Each component's user gets its own topics and group, nothing more (idempotent).
pipeline-admin kafka-acls --brokers "$KAFKA_BROKERS"
