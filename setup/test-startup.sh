#!/usr/bin/env bash
# Starts the test services on their own ports and folders (var/test):
# PostgreSQL 15433, Kafka 19092, SMTP sink 12525. Usage: test-startup.sh BUILD_DIR
set -euo pipefail
here="$(dirname "$0")"
source "$here/lib/stack.sh"
build_dir=${1:-}
[ -n "$build_dir" ] || build_dir=$("$here/build.sh" --sanitize | tail -n 1)
load_profile test
stack_up "$build_dir/src/admin/pipeline-admin"
log "test services up; addresses in $VAR_DIR/env"
