#!/bin/sh
# Check every pinned dependency (constraints.txt) for known vulnerabilities; exits non-zero when a pinned
# version is affected. Part of `make test` (the `audit` target).
#
# 1. When a vulnerability service answers within a few seconds (pip-audit's OSV, then its PyPI service:
#    probed by asking about Django 4.2, which has known advisories), run pip-audit against it with --strict:
#    a package it could not look up fails the check too.
# 2. Otherwise (no network, or neither service reachable) check offline against the dated PyPA advisory
#    snapshot committed in scripts/advisories/pypa-advisories.json (scripts/advisories/check.py). The
#    snapshot's date is printed; refresh it with scripts/advisories/refresh.py (docs/trust.md).
# So `make test` never needs the network: without it the probe fails within seconds and step 2 runs.
# MISPER_AUDIT=offline skips the probe; MISPER_AUDIT=online makes a missing service an error, not a fallback.
set -eu
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
PIP_AUDIT="${PIP_AUDIT:-$BIN/pip-audit}"
MODE="${MISPER_AUDIT:-auto}"

probe() {  # $1 = pip-audit vulnerability service; true when it reports Django 4.2's advisories within 8 s
	out="$(mktemp)"
	echo "Django==4.2" | timeout 8 "$PIP_AUDIT" -r /dev/stdin --no-deps --disable-pip --timeout 4 \
		--progress-spinner off --vulnerability-service "$1" -f json -o "$out" >/dev/null 2>&1 || true
	"$BIN/python" -c 'import json, sys; d = json.load(open(sys.argv[1]))["dependencies"][0]; sys.exit(0 if d.get("vulns") else 1)' "$out" 2>/dev/null
	ok=$?
	rm -f "$out"
	return $ok
}

if [ "$MODE" != offline ] && [ -x "$PIP_AUDIT" ]; then
	if probe osv; then
		echo "audit: pip-audit against OSV"
		exec "$PIP_AUDIT" -r constraints.txt --progress-spinner off --strict --no-deps --disable-pip --timeout 10 --vulnerability-service osv "$@"
	elif probe pypi; then
		echo "audit: pip-audit against PyPI"
		exec "$PIP_AUDIT" -r constraints.txt --progress-spinner off --strict --no-deps --disable-pip --timeout 10 --vulnerability-service pypi "$@"
	fi
	if [ "$MODE" = online ]; then
		echo "audit: no vulnerability service reachable (MISPER_AUDIT=online)" >&2
		exit 2
	fi
	echo "audit: no vulnerability service reachable; using the offline snapshot"
fi
exec "$BIN/python" scripts/advisories/check.py -r constraints.txt
