#!/usr/bin/env bash
# Redis killed and restarted, PostgreSQL cut and restored, under a running
# production server (serve.py).
# See scripts/reliability/faults.py.
exec "$(dirname "$0")/../../scripts/reliability/run.sh" 240 faults.py "$@"
