#!/bin/sh
# Check every pinned dependency (constraints.txt) against PyPI's vulnerability database.
# Exits non-zero when any pinned version has a known vulnerability, and also when any package could
# not be looked up (--strict): a check that silently skipped packages would be a false "all clear".
set -eu
cd "$(dirname "$0")/.."
PIP_AUDIT="${PIP_AUDIT:-.venv/bin/pip-audit}"
exec "$PIP_AUDIT" -r constraints.txt --progress-spinner off --strict "$@"
