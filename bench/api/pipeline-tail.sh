#!/usr/bin/env bash
# customer-api's POST latency with the whole pipeline running beside it on the
# same machine (relay, both workers, an SMTP sink): RATE writes/s over 4
# keep-alive connections for SECONDS, with the pipeline's backlogs sampled.
# The API alone is bench/api/run.sh; this is the case an operator lives with.
#   bench/api/pipeline-tail.sh [RATE=1000] [SECONDS=60]
set -euo pipefail
exec "$(cd "$(dirname "$0")/../pipeline" && pwd)/sustained.sh" "${1:-1000}" "${2:-60}" 4
