#!/usr/bin/env bash
# "The relay leader died": the standby the block starts waits, then leads and
# publishes once the leader is killed with -9.
source "$(dirname "$0")/../lib.sh"
stack_healthy
standby_pid="$OUTBOX_VAR_DIR/run/outbox-relay-standby.pid"
stop_standby() { [ -f "$standby_pid" ] && kill "$(cat "$standby_pid")" 2>/dev/null; rm -f "$standby_pid"; }
trap stop_standby EXIT

expect_block relay-standby
grep -F "$RELAY_STATUS_URL" <<<"$BLOCK_OUTPUT" | grep -qF 'outbox_leader 1' ||
  fail "the stack's relay does not show as the leader"
grep -F "127.0.0.1:9474" <<<"$BLOCK_OUTPUT" | grep -qF 'outbox_leader 0' ||
  fail "the standby does not show as a standby"

kill_hard outbox-relay
id=$(create_customer "Standby Leads $RANDOM")
until_true 15 "the standby leads" bash -c \
  "curl -sf http://127.0.0.1:9474/metrics | grep -qx 'outbox_leader 1'"
until_true 30 "the standby published the new customer" replica_has "$id" 1
stop_standby
stack_healthy  # the stack's own relay again
say "passed"
