#!/usr/bin/env bash
# "Where to look first": the status block shows four ready processes, and
# while Kafka is stopped it names Kafka in the relay's 503.
source "$(dirname "$0")/../lib.sh"
stack_healthy

expect_block status
[ "$(grep -c '(HTTP 200)' <<<"$BLOCK_OUTPUT")" = 4 ] || fail "not all four processes answered 200"

"$PROJECT_ROOT/setup/service.sh" test stop kafka
until_true 15 "the relay's /readyz turned 503" bash -c "! curl -sf '$RELAY_STATUS_URL/readyz'"
expect_block status
grep -F "$RELAY_STATUS_URL" <<<"$BLOCK_OUTPUT" | grep -qi 'kafka.*(HTTP 503)' ||
  fail "the relay's line does not name Kafka with HTTP 503"
grep -F "$API_URL" <<<"$BLOCK_OUTPUT" | grep -qF '(HTTP 200)' ||
  fail "customer-api does not need Kafka and should stay ready"
expect_block kafka-back
say "passed"
