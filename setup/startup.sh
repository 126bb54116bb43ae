#!/usr/bin/env bash
# Starts the project's four processes (customer-api, outbox-relay and the two
# workers) of a stack whose services (PostgreSQL, Kafka, the SMTP sink) are
# already up; setup/dev-startup.sh starts both. Idempotent.
#   setup/startup.sh [dev|test] [BUILD_DIR]
set -euo pipefail
here="$(dirname "$0")"
source "$here/lib/stack.sh"
load_profile "${1:-dev}"
build_dir=${2:-${OUTBOX_BUILD_DIR:-$PROJECT_ROOT/build/release}}
pg_ready || die "PostgreSQL of the $PROFILE stack is not up (setup/$PROFILE-startup.sh starts it)"
kafka_ready || die "Kafka of the $PROFILE stack is not up (setup/$PROFILE-startup.sh starts it)"
apps_start "$build_dir"
