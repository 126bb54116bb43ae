#!/usr/bin/env bash
# Installs what the build, the local services and the tests need: Debian
# packages (only the missing ones; apt-get update only when a package is not
# known yet) and the Kafka broker jars from Maven Central into .deps/.
# Safe to rerun: it does nothing when everything is present.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

PACKAGES=(
  # build
  build-essential cmake pkg-config git
  libpistache-dev libpqxx-dev librdkafka-dev rapidjson-dev libspdlog-dev
  libboost-program-options-dev doctest-dev libcurl4-openssl-dev
  # sanitizer and fuzzing toolchain, formatting
  clang libclang-rt-14-dev clang-format clang-tidy
  # local services and their probes
  postgresql-15 postgresql-client-15 openjdk-17-jre-headless maven python3-aiosmtpd kcat
  # benchmarks
  wrk postgresql-contrib
  # validating the compose deployment (no Docker engine needed)
  docker-compose
  # the browser tests (tests/browser): Debian's headless Chromium, driven from Node
  chromium nodejs
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# npm comes inside NodeSource's nodejs; Debian ships it as a package of its own.
command -v npm >/dev/null || missing+=(npm)

if [ "${#missing[@]}" -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || die "missing packages: ${missing[*]}; run this script as root (or install them)"
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-cache show "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -qq
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The machine's own PostgreSQL cluster is not ours: installing the package may
# create and start it, but we never use or touch it.

if [ ! -f "$KAFKA_LIBS/kafka_2.13-$KAFKA_VERSION.jar" ]; then
  log "fetching Kafka $KAFKA_VERSION jars from Maven Central into $KAFKA_LIBS"
  mvn -q -B -f "$PROJECT_ROOT/setup/kafka/pom.xml" dependency:copy-dependencies ||
    die "could not fetch the Kafka jars (mvn dependency:copy-dependencies)"
fi
log "dependencies present"
