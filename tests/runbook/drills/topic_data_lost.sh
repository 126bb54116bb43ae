#!/usr/bin/env bash
# "Topic data lost": both pipeline topics are deleted while the workers lag:
# a change not yet applied to the replica and a mail not yet sent exist only
# on the lost topics. An older customer's rows were already deleted by outbox
# retention. After the block the replica is equal (the lost change arrived by
# the replay), the unsent mail arrives once, no mail is sent again, new
# writes flow, and the retention-deleted history is the one thing not
# republished: the limit the runbook states.
source "$(dirname "$0")/../lib.sh"
stack_healthy

expired_id=$(create_customer "Expired History $RANDOM")
until_true 30 "the expired customer reached the replica" replica_has "$expired_id" 1
until_true 30 "its rows are published" backlog_is_zero
# The outbox ages as a whole (ids follow creation time; retention walks by id).
source_sql "UPDATE outbox SET created_at = created_at - interval '8 days',
    published_at = published_at - interval '8 days'
  WHERE id <= (SELECT max(id) FROM outbox WHERE aggregate_id = $expired_id)"
env DATABASE_URL="$RELAY_DATABASE_URL" "$OUTBOX_BUILD_DIR/src/outbox/outbox-relay" retention \
  --older-than 7d >/dev/null
[ "$(source_sql "SELECT count(*) FROM outbox WHERE aggregate_id = $expired_id")" = 0 ] ||
  fail "retention left the expired customer's rows"

sent_name="Before Loss $RANDOM$RANDOM"
sent_id=$(create_customer "$sent_name")
rename_customer "$sent_id" "$sent_name Two"
sent_address=$(address_of "$sent_name")
until_true 30 "both mails of the first customer arrived" bash -c \
  "[ \$(grep -lF '$sent_address' $SMTP_MAILDIR/new/* | wc -l) = 2 ]"

"$PROJECT_ROOT/setup/service.sh" test stop replication-worker
"$PROJECT_ROOT/setup/service.sh" test stop notification-worker
unsent_name="Unsent Mail $RANDOM$RANDOM"
unsent_id=$(create_customer "$unsent_name")
unsent_address=$(address_of "$unsent_name")
until_true 30 "its rows are published to the topics, not consumed" backlog_is_zero

"$OUTBOX_BUILD_DIR/src/admin/pipeline-admin" delete-topics --brokers "$KAFKA_BROKERS" \
  --topic MICROSERVICE-CUSTOMER-UPDATES --topic MICROSERVICE-CUSTOMER-EMAIL-NOTIFICATION
say "deleted both topics"
"$PROJECT_ROOT/setup/service.sh" test start replication-worker >/dev/null 2>&1
"$PROJECT_ROOT/setup/service.sh" test start notification-worker >/dev/null 2>&1

expect_block topic-lost
expect_output "UPDATE 1"
until_true 60 "the change lost unapplied reached the replica" replica_has "$unsent_id" 1
until_true 60 "the lost unsent mail arrived" mail_arrived "$unsent_address"
after_id=$(create_customer "After Loss $RANDOM")
until_true 30 "a new write reached the replica" replica_has "$after_id" 1
until_true 60 "verify exits 0" run_block verify
expect_mails "$unsent_address" 1
expect_mails "$sent_address" 2
[ "$(topic_key_count MICROSERVICE-CUSTOMER-UPDATES "$sent_id")" -ge 2 ] ||
  fail "the recreated topic lacks the history of customer $sent_id"
[ "$(topic_key_count MICROSERVICE-CUSTOMER-UPDATES "$expired_id")" = 0 ] ||
  fail "rows retention deleted cannot be republished, yet customer $expired_id is on the topic"
say "passed"
