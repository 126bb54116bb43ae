#!/usr/bin/env bash
# "Moving to a new Kafka cluster": between the runbook's two blocks the test
# broker's data is replaced by a new, empty cluster (no topics, ACLs or
# consumer offsets) while a write waits in the outbox. Afterwards the new
# topics hold the history, the replica is equal, the waiting write is applied
# and mailed once, and nothing is mailed twice.
source "$(dirname "$0")/../lib.sh"
stack_healthy

old_name="Old Cluster $RANDOM$RANDOM"
old_id=$(create_customer "$old_name")
old_address=$(address_of "$old_name")
until_true 30 "the first customer's mail arrived" mail_arrived "$old_address"
until_true 30 "the first customer reached the replica" replica_has "$old_id" 1

expect_block cluster-move-stop
moving_name="During Move $RANDOM$RANDOM"
moving_id=$(create_customer "$moving_name")
moving_address=$(address_of "$moving_name")

"$PROJECT_ROOT/setup/service.sh" test stop kafka
rm -rf "$OUTBOX_VAR_DIR/kafka/data"
"$PROJECT_ROOT/setup/service.sh" test start kafka
topic_messages MICROSERVICE-CUSTOMER-UPDATES '%k\n' | grep -q . && fail "the new cluster is not empty"
say "a new, empty cluster runs at the stack's address"

expect_block cluster-move-start
until_true 60 "the write made during the move reached the replica" replica_has "$moving_id" 1
until_true 60 "its mail arrived" mail_arrived "$moving_address"
until_true 60 "verify exits 0" run_block verify
expect_mails "$moving_address" 1
expect_mails "$old_address" 1
[ "$(topic_key_count MICROSERVICE-CUSTOMER-UPDATES "$old_id")" -ge 1 ] ||
  fail "the new cluster's topic lacks the history of customer $old_id"
say "passed"
