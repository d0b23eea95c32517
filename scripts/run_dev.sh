#!/usr/bin/env bash
# `make run`: the shop (Django's development server) and one background worker
# (`manage.py db_worker`, which sends the emails) side by side in one terminal.
# Ctrl-C (or a TERM to this script) stops both. Emails are printed in this output by
# default (EMAIL_URL=consolemail://); see the README's "Email" section.
set -euo pipefail

PYTHON=${PYTHON:-.venv/bin/python}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

"$PYTHON" manage.py db_worker --no-reload --interval 1 &
worker=$!
"$PYTHON" manage.py runserver "$HOST:$PORT" &
server=$!

stop() {
  trap - INT TERM EXIT
  kill -TERM "$server" "$worker" 2>/dev/null || true
  wait "$server" "$worker" 2>/dev/null || true
}
trap stop INT TERM EXIT

# Whichever ends first (Ctrl-C, a crash), the other is stopped too.
wait -n "$server" "$worker" || true
