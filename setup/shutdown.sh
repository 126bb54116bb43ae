#!/usr/bin/env bash
# Stops the project's four processes started by setup/startup.sh or
# setup/dev-startup.sh (SIGTERM: they finish what they are doing). PostgreSQL,
# Kafka and the SMTP sink stay up; setup/dev-shutdown.sh stops those too.
#   setup/shutdown.sh [dev|test]
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
load_profile "${1:-dev}"
apps_stop
