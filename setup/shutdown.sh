#!/usr/bin/env bash
# Stops the project's processes started by setup/startup.sh (SIGTERM, they
# finish what they are doing). Services stay up.   setup/shutdown.sh [dev|test]
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
load_profile "${1:-dev}"
apps_stop
