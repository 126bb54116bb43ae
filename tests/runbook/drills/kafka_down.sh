#!/usr/bin/env bash
# "Kafka is down": writes accepted during the outage wait in the outbox; after
# the block brings Kafka back the backlog drains and they reach the replica
# and the mailbox, once each.
source "$(dirname "$0")/../lib.sh"
stack_healthy

"$PROJECT_ROOT/setup/service.sh" test stop kafka
name="Kafka Outage $RANDOM$RANDOM"
id=$(create_customer "$name")
rename_customer "$id" "$name Renamed"
until_true 15 "the backlog shows the waiting rows" bash -c \
  "[ \"\$(curl -sf $RELAY_STATUS_URL/metrics | awk '\$1 == \"outbox_backlog_rows\" { print \$2 }')\" -gt 0 ]"

expect_block kafka-back
expect_output outbox_backlog_rows
until_true 60 "the backlog drained" backlog_is_zero
until_true 60 "the replica has both changes" replica_has "$id" 2
address=$(address_of "$name")
until_true 60 "both mails arrived" bash -c "[ \$(grep -lF '$address' $SMTP_MAILDIR/new/* | wc -l) -ge 2 ]"
expect_mails "$address" 2
say "passed"
