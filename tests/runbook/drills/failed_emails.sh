#!/usr/bin/env bash
# "Failed e-mails": mails that failed for good while the SMTP server was down
# arrive once after the server is back and the block re-drives them; a
# second redrive sends nothing.
source "$(dirname "$0")/../lib.sh"
stack_healthy
restore_worker() {
  "$PROJECT_ROOT/setup/service.sh" test stop notification-worker >/dev/null 2>&1
  stack_healthy
}
trap restore_worker EXIT

# Few quick attempts, so that the event fails for good within seconds.
"$PROJECT_ROOT/setup/service.sh" test stop notification-worker
NOTIFICATION_MAX_ATTEMPTS=2 NOTIFICATION_RETRY_BASE_MS=300 \
  "$PROJECT_ROOT/setup/service.sh" test start notification-worker
"$PROJECT_ROOT/setup/service.sh" test stop smtp
name="Mail Refused $RANDOM$RANDOM"
address=$(address_of "$name")
create_customer "$name" >/dev/null
until_true 60 "the mail's event reached the FAILED topic" bash -c \
  "kcat -b $KAFKA_BROKERS -C -t MICROSERVICE-CUSTOMER-EMAIL-NOTIFICATION-FAILED -e -q | grep -qF '$address'"

"$PROJECT_ROOT/setup/service.sh" test start smtp
expect_block failed-read
expect_output "$address"
expect_block redrive
until_true 30 "the re-driven mail arrived" mail_arrived "$address"
expect_block redrive
expect_mails "$address" 1
say "passed"
