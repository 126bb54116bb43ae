#!/usr/bin/env bash
# The lint step of the test command: every C++ file of src/, tests/ and bench/
# formatted as .clang-format says, and clang-tidy clean on src/ with the checks
# of .clang-tidy (all of them errors; why each family is on or off is written
# there). Exits non-zero and names the files otherwise.
#   setup/lint.sh BUILD_DIR     (BUILD_DIR holds compile_commands.json)
# clang-tidy takes seconds per file, so a file's result is remembered in
# BUILD_DIR/lint-cache under a key made of the file, every header of the
# project and .clang-tidy: a warm run checks only what changed.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
build_dir=${1:?usage: setup/lint.sh BUILD_DIR}
cd "$PROJECT_ROOT"

mapfile -t sources < <(git ls-files -- 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'bench/*.cpp')
unformatted=()
for file in "${sources[@]}"; do
  [ -f "$file" ] || continue
  clang-format --dry-run --Werror "$file" >/dev/null 2>&1 || unformatted+=("$file")
done
if [ ${#unformatted[@]} -gt 0 ]; then
  printf '  %s\n' "${unformatted[@]}" >&2
  die "${#unformatted[@]} file(s) not formatted: run clang-format -i on them"
fi
log "formatting: ${#sources[@]} files as .clang-format says"

cache="$build_dir/lint-cache"
mkdir -p "$cache"
headers_key=$(git ls-files -- 'src/*.hpp' | xargs cat .clang-tidy | sha256sum | cut -c1-16)
mapfile -t units < <(git ls-files -- 'src/*.cpp')
pending=()
for file in "${units[@]}"; do
  key=$(sha256sum <"$file" | cut -c1-16)-$headers_key
  [ -f "$cache/$key" ] || pending+=("$file:$key")
done
log "clang-tidy: ${#units[@]} files, ${#pending[@]} not checked since they last changed"
tidy_one() { # FILE:KEY -> checks one file, remembers a clean result
  local file=${1%%:*} key=${1##*:} out
  if out=$(clang-tidy -p "$BUILD_DIR" --quiet "$file" 2>/dev/null) && ! grep -q "warning:\|error:" <<<"$out"; then
    touch "$CACHE/$key"
  else
    printf '%s\n' "$out"
    return 1
  fi
}
export -f tidy_one
export BUILD_DIR="$build_dir" CACHE="$cache"
if [ ${#pending[@]} -gt 0 ] &&
  ! printf '%s\n' "${pending[@]}" | xargs -P "$(nproc)" -I{} bash -c 'tidy_one "$@"' _ {}; then
  die "clang-tidy found problems (above); fix them or, for a check that does not fit, say why in .clang-tidy"
fi
log "clang-tidy: clean"
