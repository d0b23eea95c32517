#!/usr/bin/env bash
# Two production servers (serve.py), one PostgreSQL, one Redis, 100 buyers racing for
# stock 20, then idempotent retries sent to both servers. See scripts/reliability/scale_out.py.
exec "$(dirname "$0")/../../scripts/reliability/run.sh" 300 scale_out.py "$@"
