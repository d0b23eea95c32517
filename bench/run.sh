#!/usr/bin/env bash
# The benchmark in one command (see bench/__main__.py for what it does, bench/config.py
# for its knobs). BENCH_QUICK=1: 1,000 products only, short rows.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || { echo "run 'make run' (or create .venv) first" >&2; exit 1; }
exec .venv/bin/python -m bench "$@"
