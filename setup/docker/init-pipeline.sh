#!/bin/sh
# One-shot job of the compose deployment: creates the PostgreSQL roles (and
# sets their passwords from the *_DB_PASSWORD variables), applies the
# migrations of the three databases as outbox_owner, creates the topics and
# grants each Kafka user its ACLs. Safe to run on every `up` (every step is a
# no-op when there is nothing to do; rerun it to rotate a role's password). create-topics without --topic creates
# the pipeline's own topics (the list is in core/domain/events.hpp).
set -eu
sql=/opt/customer-outbox/share/customer-outbox/sql
# As the superuser, the only step that needs it. PGPASSWORD spares the
# password any URL encoding.
PGPASSWORD="$POSTGRES_PASSWORD" pipeline-admin create-roles \
  --database-url postgresql://postgres@postgres:5432/postgres \
  --database customers --database customers_replica --database notifications
pipeline-admin migrate --database-url "$DATABASE_URL" --dir "$sql/customers"
pipeline-admin migrate --database-url "$REPLICA_DATABASE_URL" --dir "$sql/replica"
pipeline-admin migrate --database-url "$NOTIFICATION_DATABASE_URL" --dir "$sql/notifications"
pipeline-admin create-topics --brokers "$KAFKA_BROKERS" --partitions "${TOPIC_PARTITIONS:-1}" \
  --replication-factor "${TOPIC_REPLICATION_FACTOR:-1}"
# Each component's user gets its own topics and group, nothing more (idempotent).
pipeline-admin kafka-acls --brokers "$KAFKA_BROKERS"
