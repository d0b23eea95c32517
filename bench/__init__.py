"""The benchmark of issue 14's table: `make bench` (python -m bench), `make bench-quick`.

config.py    knobs from the environment, the databases, the server's environment
shop.py      builds the databases, prepares each run's fixtures, checks checkout
server.py    starts and stops the shipped server (serve.py); its CPU from /proc
load.py      drives wrk, measures a row (requests/s, p50/p99, CPU per request)
rows.py      the rows: what each one requests
report.py    the tables and the targets met or missed
__main__.py  the run
"""
