#!/usr/bin/env bash
# Configures and builds the project.
#   setup/build.sh            release build in build/release (dev stack, benchmarks)
#   setup/build.sh --sanitize ASan+UBSan build in build/sanitize (the test run)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

flavour=release
cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
for arg in "$@"; do
  case "$arg" in
    --sanitize) flavour=sanitize; cmake_args=(-DCMAKE_BUILD_TYPE=Debug -DOUTBOX_SANITIZE=ON) ;;
    -h|--help) sed -n '2,4p' "$0"; exit 0 ;;
    *) die "unknown flag $arg (expected --sanitize)" ;;
  esac
done

build_dir="$PROJECT_ROOT/build/$flavour"
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  cmake -S "$PROJECT_ROOT" -B "$build_dir" "${generator[@]}" "${cmake_args[@]}" >&2
fi
# Build output goes to stderr: stdout carries only the build folder, for callers.
cmake --build "$build_dir" --parallel "$(nproc)" >&2
echo "$build_dir"
