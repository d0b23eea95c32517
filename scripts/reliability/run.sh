#!/usr/bin/env bash
# Runs one reliability check (a python file next to this one) bounded in time, and
# kills every server it started even if it is killed itself (timeout, Ctrl-C, crash).
#   scripts/reliability/run.sh SECONDS scale_out.py [args...]
set -uo pipefail
cd "$(dirname "$0")/../.."
limit="$1"; shift
script="$1"; shift
PYTHON="${PYTHON:-.venv/bin/python}"
export RELIABILITY_PIDFILE
RELIABILITY_PIDFILE="$(mktemp /tmp/petshop-reliability-pids.XXXXXX)"
cleanup() {
    # Every recorded child runs in its own process group: take the whole group down.
    while read -r pid; do
        [ -n "$pid" ] && kill -TERM -- "-$pid" 2>/dev/null
    done < "$RELIABILITY_PIDFILE"
    sleep 0.5
    while read -r pid; do
        [ -n "$pid" ] && kill -KILL -- "-$pid" 2>/dev/null
    done < "$RELIABILITY_PIDFILE"
    rm -f "$RELIABILITY_PIDFILE"
}
trap cleanup EXIT INT TERM
# One run of a check at a time on this machine: two would drop each other's database
# and overwrite each other's logs (a developer's run and CI's, say). The next one waits.
exec 9>"/tmp/petshop-reliability-${script%.py}.lock"
if ! flock -w "$limit" 9; then
    echo "$script: another run held the lock for ${limit}s" >&2
    exit 1
fi
timeout -k 15 "$limit" "$PYTHON" "scripts/reliability/$script" "$@"
status=$?
[ "$status" -eq 124 ] && echo "$script: gave up after ${limit}s" >&2
exit "$status"
