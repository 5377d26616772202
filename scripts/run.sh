#!/usr/bin/env bash
# Run misper for a demo or a small deployment: the alert worker and the access log's sealer in the
# background, the web server in the foreground. When the server stops (Ctrl-C, SIGTERM, or a crash) the
# worker and the sealer are stopped too; the sealer seals the last events and writes a checkpoint first. The server is
# gunicorn (`misper serve`: --workers processes, default one per CPU): on SIGTERM it stops accepting, lets
# requests in hand finish (up to 30 s) and stops its processes.
# In demo mode it also starts the demo identity provider (`misper devidp`) on the next port, so the demo
# force's "Sign in with Demo identity provider" works (MISPER_DEVIDP=0 leaves it out).
# Usage: scripts/run.sh [--port 8000] [--workers N] [--threads T] [other `misper serve` options]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"

"$BIN/misper" worker &
worker=$!
"$BIN/misper" audit seal --loop &
sealer=$!
server=""
devidp=""
port=8000
prev=""
for arg in "$@"; do
	[ "$prev" = "--port" ] && port="$arg"
	prev="$arg"
done
if [ "${MISPER_ENV:-demo}" != production ] && [ "${MISPER_DEVIDP:-1}" != 0 ]; then
	# A made-up secret for a made-up provider: the web server and the provider must share it.
	export MISPER_OIDC_SECRET_DEMO="${MISPER_OIDC_SECRET_DEMO:-demo-only-not-secret}"
	"$BIN/misper" devidp --port "$((port + 1))" --misper-url "http://127.0.0.1:$port" &
	devidp=$!
fi

stop() {
	trap - EXIT INT TERM
	[ -n "$server" ] && kill -TERM "$server" 2>/dev/null || true
	kill -TERM "$worker" 2>/dev/null || true  # the worker finishes the alert in hand, then exits
	[ -n "$devidp" ] && kill -TERM "$devidp" 2>/dev/null || true
	[ -n "$server" ] && wait "$server" 2>/dev/null || true
	kill -TERM "$sealer" 2>/dev/null || true  # after the server: it seals the last requests' events
	wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Started in the background and waited for, so that a signal to this script is handled at once.
"$BIN/misper" serve "$@" &
server=$!
wait "$server"
