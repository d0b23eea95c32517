#!/usr/bin/env bash
# schemathesis against a running production server (serve.py), as a customer and as an
# admin: no 5xx, every status and body as documented. See scripts/reliability/fuzz.py.
exec "$(dirname "$0")/../../scripts/reliability/run.sh" 540 fuzz.py "$@"
