#!/usr/bin/env bash
# Load test of keyward serve on loopback: token issuance (tokenReuse on and
# off) and an authenticated read, each for a bounded 10 s run of wrk with 2
# threads and 50 connections. Prints req/s, p50, p99 and non-2xx counts.
#
#   bash bench/token.sh            # from the repository root
#   DURATION=30s bash bench/token.sh
#   SIGNERS=2 bash bench/token.sh  # serve --signers (default: half the CPUs)
set -euo pipefail

DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-50}
PORT=${PORT:-0}
SIGNERS=${SIGNERS:-0}

cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null; then
	echo "installing wrk" >&2
	apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null
fi

work=$(mktemp -d)
server_pid=
cleanup() {
	if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
		kill -TERM "$server_pid" && wait "$server_pid" || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/keyward" ./cmd/keyward
db="$work/keyward.db"
kw() { "$work/keyward" --db "$db" "$@"; }
# The bootstrap of docs/bootstrap.md: a system Administrator, and the
# service user under load, ReadOnly, each with a key that never expires.
kw -t system serviceuser create admin --policy Administrator --key-expires never --secret-file "$work/admin.secret" -q >/dev/null
kw serviceuser create bench --policy ReadOnly --key-expires never --secret-file "$work/bench.secret" -q >/dev/null
admin_id=$(kw -t system key list admin -q) admin_secret=$(cat "$work/admin.secret")
bench_id=$(kw key list bench -q) bench_secret=$(cat "$work/bench.secret")

# Limits off: the load comes from one address and one key.
"$work/keyward" serve --db "$db" --addr "127.0.0.1:$PORT" --rate-limit-ip 0 --rate-limit-key 0 --signers "$SIGNERS" --ready-file "$work/ready" 2>"$work/serve.log" &
server_pid=$!
for _ in $(seq 100); do
	[ -s "$work/ready" ] && break
	sleep 0.1
done
base=$(cat "$work/ready")
curl -fs "$base/readyz" >/dev/null

# report prints wrk's summary on one line: req/s, p50, p99, non-2xx.
cat >"$work/report.lua" <<'LUA'
done = function(summary, latency, requests)
	local secs = summary.duration / 1e6
	local errs = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
	io.write(string.format("  requests %d in %.1fs: %.0f req/s, p50 %.2f ms, p99 %.2f ms, non-2xx %d, socket errors %d\n",
		summary.requests, secs, summary.requests / secs,
		latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status, errs))
end
LUA
basic=$(printf '%s:%s' "$bench_id" "$bench_secret" | base64 -w0)
cat "$work/report.lua" >"$work/token.lua"
cat >>"$work/token.lua" <<LUA
wrk.method = "POST"
wrk.body = "grant_type=client_credentials"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic $basic"
LUA

load() { # name, url, script
	echo "$1"
	wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s "$3" "$2" | grep -E '^  requests'
}

load "POST /oauth/token (tokenReuse on)" "$base/oauth/token" "$work/token.lua"

KEYWARD_SERVER=$base KEYWARD_ACCESS_KEY_ID=$admin_id KEYWARD_SECRET=$admin_secret \
	"$work/keyward" tenant update default --token-reuse=false -q >/dev/null
load "POST /oauth/token (tokenReuse off)" "$base/oauth/token" "$work/token.lua"

# The credentials go to curl on stdin (-K -), never in its argv.
token=$(printf 'user = "%s:%s"\n' "$bench_id" "$bench_secret" |
	curl -fs -K - -d grant_type=client_credentials "$base/oauth/token" |
	sed -E 's/.*"access_token":"([^"]+)".*/\1/')
cat "$work/report.lua" >"$work/read.lua"
cat >>"$work/read.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $token"
LUA
load "GET /v1/tenants/default/serviceusers/bench (bearer)" "$base/v1/tenants/default/serviceusers/bench" "$work/read.lua"

kill -TERM "$server_pid"
wait "$server_pid"
server_pid=
echo "server stopped (exit 0); $(wc -l <"$work/serve.log") log lines"
