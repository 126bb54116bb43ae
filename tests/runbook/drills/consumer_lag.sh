#!/usr/bin/env bash
# "Consumer lag grows": a lock on the replica's customers table holds the
# replication worker. The lag block shows replication lag growing while the
# relay's backlog and the mail lag stay 0; the wait block names the lock;
# the blocker's session is ended and the lag returns to 0. The scale block adds a second
# member, which with one partition waits as a spare.
source "$(dirname "$0")/../lib.sh"
stack_healthy
member="$OUTBOX_VAR_DIR/run/replication-worker-2.pid"
end_lock() {
  psql -qtAX "$REPLICA_DATABASE_URL" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
    WHERE application_name = 'runbook-drill-lock'" >/dev/null
}
cleanup() {
  end_lock
  [ -f "$member" ] && kill "$(cat "$member")" 2>/dev/null
  rm -f "$member"
}
trap cleanup EXIT

replication_lag() {
  curl -sf "$REPLICATION_STATUS_URL/metrics" | awk '/^replication_consumer_lag/ { sum += $2 } END { print sum + 0 }'
}

end_lock  # one an earlier, failed run may have left
PGAPPNAME=runbook-drill-lock psql -qtAX "$REPLICA_DATABASE_URL" -c \
  "BEGIN; LOCK TABLE customers IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60); COMMIT" >/dev/null 2>&1 &
sleep 0.5
for i in 1 2 3 4 5; do create_customer "Lagging $i $RANDOM" >/dev/null; done
until_true 20 "the replication lag shows the waiting events" bash -c \
  "[ \"\$(curl -sf $REPLICATION_STATUS_URL/metrics | awk '/^replication_consumer_lag/ { s += \$2 } END { print s + 0 }')\" -ge 4 ]"
until_true 20 "the relay published them" backlog_is_zero

expect_block lag
grep -E '^replication_consumer_lag' <<<"$BLOCK_OUTPUT" | grep -qvE ' 0$' ||
  fail "the lag block does not show the replication lag"
grep -qE '^outbox_backlog_rows 0$' <<<"$BLOCK_OUTPUT" || fail "the relay's backlog should read 0"
expect_block lag-replica-waits
expect_output Lock

expect_block lag-end-blocker
expect_output "(1 row)"
until_true 30 "the lag returned to 0" bash -c "[ \"\$(curl -sf $REPLICATION_STATUS_URL/metrics | awk '/^replication_consumer_lag/ { s += \$2 } END { print s + 0 }')\" = 0 ]"
[ "$(replication_lag)" = 0 ] || fail "replication lag is not 0"

expect_block scale-replication
until_true 30 "the second member answers" curl -sf http://127.0.0.1:9475/healthz
assigned=$(curl -sf "$REPLICATION_STATUS_URL/metrics" http://127.0.0.1:9475/metrics |
  awk '/^replication_assigned_partitions/ { s += $2 } END { print s + 0 }')
[ "$assigned" = 1 ] || fail "one partition should be assigned across the two members, not $assigned"
say "passed"
