#!/usr/bin/env bash
# Starts the project's processes (customer-api, outbox-relay and the two
# workers) against services that are already up. Idempotent.
#   setup/startup.sh [dev|test] [BUILD_DIR]
set -euo pipefail
here="$(dirname "$0")"
source "$here/lib/stack.sh"
load_profile "${1:-dev}"
build_dir=${2:-$PROJECT_ROOT/build/release}
apps_start "$build_dir"
