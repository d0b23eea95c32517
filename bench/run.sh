#!/usr/bin/env bash
# The benchmark in one command (see bench/run.py for what it does and its knobs).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || { echo "run 'make run' (or create .venv) first" >&2; exit 1; }
exec .venv/bin/python bench/run.py "$@"
