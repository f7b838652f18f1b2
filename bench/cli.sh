#!/usr/bin/env bash
# CLI start-up and list benchmark (issue 3). Builds keyward, fills a fresh
# database with $N service users through the service (internal/tools/benchfill,
# a few transactions, every rule and audit event applied), then measures with
# hyperfine:
#   keyward version
#   keyward serviceuser show ID
#   keyward serviceuser list > FILE   (piped: tab-separated rows)
# Targets: show within 1.5x of version; the piped list of 10,000 under 60 ms.
#
# Usage: bench/cli.sh [extra hyperfine flags, e.g. --export-markdown out.md]
# Env:   N (default 10000), RUNS (default 30), WARMUP (default 3), KEEP=1 keeps
#        the work dir, STRICT=1 exits 1 when a target is missed, KEYWARD=PATH
#        measures that binary instead of building one (before/after figures).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-10000}
RUNS=${RUNS:-30}
WARMUP=${WARMUP:-3}

if ! command -v hyperfine >/dev/null 2>&1; then
  echo "installing hyperfine (Debian package)" >&2
  if [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y hyperfine || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y hyperfine; }
  else
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y hyperfine || { sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y hyperfine; }
  fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/keyward-bench.XXXXXX")
if [ "${KEEP:-}" != 1 ]; then trap 'rm -rf "$work"' EXIT; else echo "work dir: $work" >&2; fi

if [ -n "${KEYWARD:-}" ]; then
  cp "$KEYWARD" "$work/keyward" # a given build, e.g. an older one to compare
else
  go build -trimpath -o "$work/keyward" ./cmd/keyward
fi
go build -trimpath -o "$work/benchfill" ./internal/tools/benchfill
db="$work/data/keyward/keyward.db"
"$work/benchfill" -db "$db" -n "$N"

# A private environment: no config file, the database by env, no terminal.
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/config" XDG_DATA_HOME="$work/data"
export KEYWARD_DB="$db"
unset KEYWARD_TENANT KEYWARD_PROFILE KEYWARD_SERVER KEYWARD_OUTPUT KEYWARD_CONFIG

kw="$work/keyward"
id=$(printf 'svc-%05d' $((N / 2)))
"$kw" serviceuser show "$id" >/dev/null
rows=$("$kw" serviceuser list | wc -l)
echo "database: $db ($(du -h "$db" | cut -f1)), list prints $rows lines" >&2

hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-json "$work/startup.json" \
  -n version "$kw version" \
  -n show "$kw serviceuser show $id" \
  "$@"
hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-json "$work/list.json" --output "$work/list.tsv" \
  -n "list > file" "$kw serviceuser list" \
  "$@"

# Medians (robust to the odd slow run on a busy machine) against the targets.
median() { # FILE COMMAND-NAME -> median seconds
  awk -v want="\"$2\"" '
    /"command":/ { split($0, a, ": "); name = a[2]; sub(/,$/, "", name) }
    /"median":/ && name == want { v = $2; sub(/,$/, "", v); print v; exit }' "$1"
}
version=$(median "$work/startup.json" version)
show=$(median "$work/startup.json" show)
list=$(median "$work/list.json" "list > file")
awk -v v="$version" -v s="$show" -v l="$list" -v n="$N" 'BEGIN {
  printf "\nmedians: version %.1f ms, show %.1f ms (%.2fx version), list of %d piped %.1f ms\n", v*1000, s*1000, s/v, n, l*1000
  ok = 1
  if (s > 1.5*v) { print "FAIL: show is more than 1.5x version"; ok = 0 } else print "ok:   show within 1.5x version"
  if (l >= 0.060) { print "FAIL: piped list takes 60 ms or more"; ok = 0 } else print "ok:   piped list under 60 ms"
  exit !ok
}' || { [ "${STRICT:-}" != 1 ] || exit 1; }
