#!/usr/bin/env bash
# "The relay reads the WAL": a write waits while the relay is switched to
# --source wal (the new slot's drain publishes it); the slot is then lost for
# real (a tiny max_slot_wal_keep_size, WAL switched and checkpointed past it)
# while a write waits, and recreated by the block; back to polling. Every
# write reaches the replica once.
source "$(dirname "$0")/../lib.sh"
stack_healthy
superuser_sql() { sql "$PG_URL_BASE/postgres" "$1"; }
slot_exists() { [ "$(superuser_sql "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'outbox_relay'")" = 1 ]; }
slot_status() { superuser_sql "SELECT coalesce(wal_status, '') FROM pg_replication_slots WHERE slot_name = 'outbox_relay'"; }
restore_stack() {
  superuser_sql "ALTER SYSTEM RESET max_slot_wal_keep_size" >/dev/null
  superuser_sql "SELECT pg_reload_conf()" >/dev/null
  if slot_exists; then
    "$PROJECT_ROOT/setup/service.sh" test stop outbox-relay >/dev/null 2>&1 || true
    superuser_sql "SELECT pg_drop_replication_slot('outbox_relay')" >/dev/null || true
    "$PROJECT_ROOT/setup/service.sh" test start outbox-relay >/dev/null 2>&1 || true
  fi
}
trap restore_stack EXIT
slot_exists && fail "a slot outbox_relay is left from an earlier run"

"$PROJECT_ROOT/setup/service.sh" test stop outbox-relay >/dev/null
before=$(create_customer "Before The Slot $RANDOM")
expect_block wal-switch
until_true 60 "the write made before the slot was replicated" replica_has "$before" 1
after=$(create_customer "After The Slot $RANDOM")
until_true 30 "a write through the slot was replicated" replica_has "$after" 1

expect_block wal-slot-status
grep -Eq '^ *outbox_relay +\| t +\| reserved' <<<"$BLOCK_OUTPUT" || fail "the slot is not shown active"
grep -q '^outbox_slot_retained_wal_bytes ' <<<"$BLOCK_OUTPUT" || fail "no retained-WAL gauge"

# The relay gone for long: its slot loses WAL it needs.
"$PROJECT_ROOT/setup/service.sh" test stop outbox-relay >/dev/null
waiting=$(create_customer "While The Slot Was Lost $RANDOM")
superuser_sql "ALTER SYSTEM SET max_slot_wal_keep_size = '1MB'" >/dev/null
superuser_sql "SELECT pg_reload_conf()" >/dev/null
for _ in 1 2 3; do
  source_sql "SELECT pg_switch_wal()" >/dev/null
  rename_customer "$after" "Filler $RANDOM"
done
superuser_sql "CHECKPOINT" >/dev/null
until_true 30 "the slot is lost" bash -c "[ \"\$(psql -qtAX '$PG_URL_BASE/postgres' -c \"SELECT wal_status FROM pg_replication_slots WHERE slot_name = 'outbox_relay'\")\" = lost ]"
superuser_sql "ALTER SYSTEM RESET max_slot_wal_keep_size" >/dev/null
superuser_sql "SELECT pg_reload_conf()" >/dev/null
replica_has "$waiting" 1 && fail "the write made while the relay was away is already replicated"

expect_block wal-slot-recreate
until_true 60 "the write made while the slot was lost was replicated" replica_has "$waiting" 1
[ "$(slot_status)" = reserved ] || fail "the new slot is $(slot_status)"
until_true 30 "the relay is ready on the new slot" curl -sf "$RELAY_STATUS_URL/readyz"

expect_block wal-switch-back
slot_exists && fail "the slot is still there after the switch back"
last=$(create_customer "Polling Again $RANDOM")
until_true 30 "a write after the switch back was replicated" replica_has "$last" 1
for id in "$before" "$after" "$waiting" "$last"; do
  [ "$(topic_key_count MICROSERVICE-CUSTOMER-UPDATES "$id")" = "$(source_sql "SELECT count(*) FROM outbox WHERE aggregate_id = $id AND topic = 'MICROSERVICE-CUSTOMER-UPDATES'")" ] ||
    fail "customer $id: its events are not on the topic exactly once"
done
trap - EXIT
say "passed"
