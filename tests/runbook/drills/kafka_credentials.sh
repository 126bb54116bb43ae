#!/usr/bin/env bash
# "Kafka credentials": the operator's identity, given as variables and as kcat
# file, logs in and lists the pipeline's topics; a wrong password is refused
# with the message the runbook quotes.
source "$(dirname "$0")/../lib.sh"
stack_healthy

expect_block kafka-identity
expect_output MICROSERVICE-CUSTOMER-UPDATES
expect_output MICROSERVICE-CUSTOMER-EMAIL-NOTIFICATION

refusal=$(KCAT_CONFIG="" kcat -b "$KAFKA_BROKERS" -L -m 5 -X security.protocol=sasl_plaintext \
  -X sasl.mechanisms=PLAIN -X sasl.username=pipeline-admin -X sasl.password=wrong 2>&1) &&
  fail "kcat logged in with a wrong password"
grep -qF "Authentication failed" <<<"$refusal" ||
  fail "the refusal does not read as the runbook says: $refusal"
say "passed"
