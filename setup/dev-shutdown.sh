#!/usr/bin/env bash
# Stops what setup/dev-startup.sh started (processes first, then services),
# and nothing else. Data stays in var/dev.
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
load_profile dev
stack_down
