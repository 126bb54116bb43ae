#!/usr/bin/env bash
# "Replaying history": a replica row set back to an older state is brought
# forward by replaying the customer's rows, without a second e-mail; the
# drill's time range replayed into a bootstrap topic carries replay=true.
source "$(dirname "$0")/../lib.sh"
stack_healthy

FROM_TIME=$(date -u +%FT%TZ)
sleep 1  # whole seconds: nothing of an earlier drill in the range
name="Replay Me $RANDOM$RANDOM"
id=$(create_customer "$name")
rename_customer "$id" "$name Two"
rename_customer "$id" "$name Three"
until_true 30 "the replica has version 3" replica_has "$id" 3
replica_sql "UPDATE customers SET name = 'Stale', version = 1 WHERE id = $id"

FROM_ID=$(source_sql "SELECT min(id) FROM outbox WHERE aggregate_id = $id")
TO_ID=$(source_sql "SELECT max(id) FROM outbox WHERE aggregate_id = $id")
export FROM_ID TO_ID
expect_block replay-range
expect_output MICROSERVICE-CUSTOMER-UPDATES
until_true 30 "the replay brought the replica row forward" bash -c \
  "[ \"\$(psql -qtAX '$REPLICA_DATABASE_URL' -c 'SELECT name FROM customers WHERE id = $id')\" = '$name Three' ]"
address=$(address_of "$name")
expect_mails "$address" 3

TO_TIME=$(date -u -d '+1 second' +%FT%TZ)
export FROM_TIME TO_TIME
expect_block replay-to-topic
expect_output "NEW-CONSUMER-BOOTSTRAP: 3"
replayed=$(topic_messages NEW-CONSUMER-BOOTSTRAP '%k %h\n' | grep -c "^$id .*replay=true") || true
[ "$replayed" -ge 3 ] || fail "the bootstrap topic holds $replayed replayed events of customer $id, not 3"
say "passed"
