#!/usr/bin/env bash
# "A worker died": both workers killed with -9; a write made meanwhile is
# applied and mailed once after the block restarts them.
source "$(dirname "$0")/../lib.sh"
stack_healthy

kill_hard replication-worker
kill_hard notification-worker
name="Worker Died $RANDOM$RANDOM"
id=$(create_customer "$name")
expect_block worker-restart
until_true 30 "the replica has the write" replica_has "$id" 1
address=$(address_of "$name")
until_true 30 "the mail arrived" mail_arrived "$address"
expect_mails "$address" 1
say "passed"
