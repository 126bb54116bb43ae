#!/usr/bin/env bash
# Stops the test services started by setup/test-startup.sh.
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
load_profile test
stack_down
