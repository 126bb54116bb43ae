#!/usr/bin/env bash
# Starts or stops one service of a stack, e.g. for outage tests and drills:
#   setup/service.sh dev|test start|stop postgres|kafka|smtp
# After `source var/<profile>/env` it acts on exactly that stack.
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
[ $# -eq 3 ] || die "usage: setup/service.sh dev|test start|stop postgres|kafka|smtp"
load_profile "$1"
case "$2:$3" in
  start:postgres) pg_start ;;
  stop:postgres) pg_stop ;;
  start:kafka) kafka_start ;;
  stop:kafka) kafka_stop ;;
  start:smtp) smtp_start ;;
  stop:smtp) smtp_stop ;;
  *) die "unknown action '$2 $3' (expected start|stop postgres|kafka|smtp)" ;;
esac
