#!/usr/bin/env bash
# "Dead letters (replication)": a malformed message written to the CRUD topic
# by hand is read back from the DLQ with its reason, and the worker goes on
# with the events after it.
source "$(dirname "$0")/../lib.sh"
stack_healthy

marker="not json $RANDOM$RANDOM"
printf '%s' "$marker" | kcat -b "$KAFKA_BROKERS" -P -t MICROSERVICE-CUSTOMER-UPDATES -k 1
id=$(create_customer "After Garbage $RANDOM")
until_true 30 "the worker applied the event after the malformed one" replica_has "$id" 1
expect_block dead-letters
expect_output "$marker"
grep -B2 -F "$marker" <<<"$BLOCK_OUTPUT" | grep -qF "dlq.error=" ||
  fail "the dead letter does not carry its reason (dlq.error)"
say "passed"
