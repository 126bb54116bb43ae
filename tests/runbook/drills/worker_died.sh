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
address="$(tr ' ' . <<<"$name")@example.com"
until_true 30 "the mail arrived" bash -c "grep -qlF '$address' $SMTP_MAILDIR/new/*"
sleep 2  # a second copy would come within the worker's next poll
[ "$(mails_to "$address")" = 1 ] || fail "expected 1 mail to $address, got $(mails_to "$address")"
say "passed"
