#!/usr/bin/env bash
# Fails when the committed generated files (docs/cli, docs/man, completions/,
# and the generated sections of guides such as the action catalog in
# docs/policies.md) differ from what the code generates now. Regenerate with:
#   go run ./internal/tools/gendocs
# The generator runs with a throw-away HOME and XDG directories, so a flag
# default that expands a user's path (instead of documenting
# $XDG_DATA_HOME/...) shows up as a difference too.
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Build with the normal environment (module and build caches live in HOME),
# run with the throw-away one.
go build -o "$tmp/gendocs" ./internal/tools/gendocs
mkdir -p "$tmp/home"
env -u SOURCE_DATE_EPOCH -u XDG_DATA_HOME -u XDG_CONFIG_HOME -u XDG_STATE_HOME \
  HOME="$tmp/home" "$tmp/gendocs" -out "$tmp/out"

stale=0
for dir in docs/cli docs/man completions; do
  if ! diff -r -q "$dir" "$tmp/out/$dir" >"$tmp/diff.txt" 2>&1; then
    stale=1
    echo "$dir differs from the generated files (shown as generated/$dir):"
    sed -e "s#$tmp/out/#generated/#g" -e 's/^/  /' "$tmp/diff.txt"
    diff -r -u "$dir" "$tmp/out/$dir" | sed -e "s#$tmp/out/#generated/#g" | head -n 60 || true
  fi
done
# Guides with generated sections (the action catalog in docs/policies.md).
for guide in $(cd "$tmp/out" && find docs -maxdepth 1 -type f -name '*.md' | sort); do
  if ! diff -u "$guide" "$tmp/out/$guide" >"$tmp/diff.txt" 2>&1; then
    stale=1
    echo "$guide: its generated sections differ:"
    sed -e "s#$tmp/out/#generated/#g" "$tmp/diff.txt" | head -n 60 || true
  fi
done
if [ "$stale" -ne 0 ]; then
  echo
  echo "docs are stale: run go run ./internal/tools/gendocs and commit docs/ and completions/"
  exit 1
fi
echo "generated docs, man pages and completions are up to date"
