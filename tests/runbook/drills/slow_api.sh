#!/usr/bin/env bash
# "The API answers slowly": with the trigger's NOTIFY off, a new session's
# insert sends no notification and the relay still publishes it (polling);
# on again, the insert notifies.
source "$(dirname "$0")/../lib.sh"
stack_healthy
trap 'run_block notify-on >/dev/null 2>&1 || true' EXIT

# notifications_of SQL: NOTIFYs a listening session receives while SQL runs in a new one.
notifications_of() {
  psql -tAX "$DATABASE_URL" <<SQL 2>&1 | grep -c 'Asynchronous notification "outbox_inserted"' || true
LISTEN outbox_inserted;
\! psql -qtAX "$DATABASE_URL" -c "$1" >/dev/null
SELECT pg_sleep(0.3);
SQL
}
# The trigger also stays silent while the relay is busy (it wants no wake-ups).
relay_wants_wakeups() {
  [ "$(source_sql "SELECT coalesce(bool_and(wanted), true) FROM outbox_relay_wakeup")" = t ]
}
# One line: psql's \! takes the rest of its line.
insert_row="INSERT INTO outbox (topic, kafka_key, aggregate_type, aggregate_id, \
aggregate_version, event_type, payload) VALUES ('MICROSERVICE-CUSTOMER-UPDATES', '0', \
'customer', 0, 1, 'drill', '{}')"

expect_block notify-off
until_true 10 "the idle relay wants wake-ups" relay_wants_wakeups
[ "$(notifications_of "$insert_row")" = 0 ] || fail "an insert notified with NOTIFY off"
id=$(create_customer "Polled $RANDOM")
until_true 30 "the relay published without NOTIFY" replica_has "$id" 1
expect_block notify-on
until_true 10 "the idle relay wants wake-ups" relay_wants_wakeups
[ "$(notifications_of "$insert_row")" = 1 ] || fail "an insert did not notify with NOTIFY on"
say "passed"
