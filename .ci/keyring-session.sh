#!/bin/sh
# keyring-session.sh: run a command inside a throwaway D-Bus session whose
# Secret Service is a new, unlocked gnome-keyring, so that keyward's keyring
# tests (internal/credstore/realkeyring) run against a real keyring in CI.
#
# Usage:
#   .ci/keyring-session.sh COMMAND [ARG...]
#   .ci/keyring-session.sh go test -race ./...
#   .ci/keyring-session.sh sh -c 'go test -race ./... &&
#       test "$(secret-tool lookup service keyward username keyward-ci-probe)" = kws_ci-probe-secret'
#
# Exit status: COMMAND's, or 1 when the session could not be set up.
#
# Needs, installed by the caller (this script installs nothing):
#   apt-get install -y gnome-keyring dbus dbus-x11 libsecret-tools
# (dbus-run-session and dbus-send come with dbus; secret-tool with
# libsecret-tools. dbus-x11 is not used here.) It reads no stdin and never
# prompts, so it works under CI=true with stdin closed or at /dev/null.
#
# What it takes to make this reliable (Debian 12, gnome-keyring 42.1,
# dbus 1.14.10):
# - The keyring lives in a private directory (XDG_DATA_HOME of the daemon
#   only) and the session gets a private XDG_RUNTIME_DIR; GNOME_KEYRING_CONTROL
#   is unset. So an existing login keyring with another password, a desktop's
#   running daemon, or a read-only HOME cannot interfere, and HOME need not be
#   fresh. COMMAND keeps the caller's HOME and XDG_DATA_HOME. (A caller that
#   does swap in a fresh HOME should keep GOCACHE, GOMODCACHE and the settings
#   of ~/.config/go/env: with a cold cache the same `go test -race` of
#   internal/credstore took 71 s and needed the module proxy, instead of 5 s.)
# - `gnome-keyring-daemon --unlock` with a password on stdin creates the
#   "login" keyring (no prompt) and unlocks it, which go-keyring needs. It
#   returns before its daemon owns org.freedesktop.secrets; a client calling
#   in that gap makes dbus-daemon start a second daemon by D-Bus activation.
#   So the script waits until the name has an owner.
# - A store/lookup/clear round trip with secret-tool proves the keyring works
#   before COMMAND starts, so a broken setup fails here with a clear message.
# - KEYWARD_TEST_REQUIRE_KEYRING=1 is exported (unless already set) so the
#   keyring tests fail instead of skipping.
# - Items stored by COMMAND stay readable (secret-tool lookup) until COMMAND
#   ends; then dbus-run-session stops the bus, gnome-keyring-daemon exits with
#   it, and the private directory is removed.
# - dbus-daemon may print "Failed to set fd limit to 65536: Operation not
#   permitted" when it lacks CAP_SYS_RESOURCE (containers); it is harmless.
set -eu

me=keyring-session
password=keyward-ci # unlocks a keyring that exists only for this run
wait_polls=1000     # 10 ms polls for the daemon to own its name: 10 s

die() {
	echo "$me: $*" >&2
	exit 1
}

# bounded runs a setup step with a time limit when coreutils' timeout exists.
bounded() {
	if command -v timeout >/dev/null 2>&1; then
		timeout 10 "$@"
	else
		"$@"
	fi
}

secrets_owned() {
	dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
		org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
		grep -q 'boolean true'
}

# in_session runs inside dbus-run-session: start and unlock the keyring,
# check it, then become COMMAND.
in_session() {
	keyring_data=$1
	shift
	printf '%s' "$password" |
		XDG_DATA_HOME=$keyring_data bounded gnome-keyring-daemon --unlock --components=secrets >/dev/null ||
		die "gnome-keyring-daemon --unlock failed"

	tries=0
	until secrets_owned; do
		tries=$((tries + 1))
		[ "$tries" -le "$wait_polls" ] ||
			die "gnome-keyring-daemon did not register org.freedesktop.secrets on the session bus"
		sleep 0.01
	done

	if command -v secret-tool >/dev/null 2>&1; then
		printf ok | bounded secret-tool store --label="$me self-test" service keyward-keyring-session username self-test ||
			die "secret-tool could not store an item in the new keyring"
		[ "$(bounded secret-tool lookup service keyward-keyring-session username self-test </dev/null)" = ok ] ||
			die "secret-tool could not read back the item it stored"
		bounded secret-tool clear service keyward-keyring-session username self-test </dev/null || true
	fi

	: "${KEYWARD_TEST_REQUIRE_KEYRING:=1}"
	export KEYWARD_TEST_REQUIRE_KEYRING
	exec "$@"
}

if [ "${1:-}" = "--in-session" ]; then
	shift
	in_session "$@"
fi

[ "$#" -gt 0 ] || die "usage: $0 COMMAND [ARG...]"
for tool in dbus-run-session dbus-send gnome-keyring-daemon; do
	command -v "$tool" >/dev/null 2>&1 ||
		die "$tool not found; install: apt-get install -y gnome-keyring dbus dbus-x11 libsecret-tools"
done

base=$(mktemp -d "${TMPDIR:-/tmp}/keyward-keyring.XXXXXX")
trap 'rm -rf "$base"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -m 700 "$base/runtime" "$base/keyrings"

XDG_RUNTIME_DIR=$base/runtime
export XDG_RUNTIME_DIR
unset GNOME_KEYRING_CONTROL GNOME_KEYRING_PID DBUS_SESSION_BUS_ADDRESS DBUS_STARTER_ADDRESS DBUS_STARTER_BUS_TYPE

# A closed stdin would be taken over by the next file the session opens.
{ : <&0; } 2>/dev/null || exec </dev/null

status=0
dbus-run-session -- /bin/sh "$0" --in-session "$base/keyrings" "$@" || status=$?
exit "$status"
