"""The benchmark: `make bench` (python -m bench) or `make bench-quick` (BENCH_QUICK=1).

For each catalog size (1,000 and 100,000 products; quick: 1,000), a fresh PostgreSQL
database built by build_shop.py; the shipped server (serve.py) on it, once with the Redis
cache and once with caching off; every row driven by wrk after a warm-up, with the bare
view measured just before it; checkout checked for exact stock and distinct invoice
numbers; the table, issue 14's targets met or missed, and (full run) EXPLAIN ANALYZE of
the search and deep-page queries, printed and written to bench/results/latest.md.
Knobs: bench/config.py.
"""

import os
import shutil
import subprocess
import sys
import time

from bench import config, shop
from bench.load import list_while_buying, measure
from bench.report import load_average, log, report
from bench.rows import CEILING, CHECKOUT, LIST, rows_for
from bench.server import Server

MODES = ("on", "off")


def selected(rows: list[dict]) -> list[dict]:
    """BENCH_ONLY=text: just the rows whose name holds it (and the bare view)."""
    return [r for r in rows if not config.ONLY or config.ONLY in r["name"] or r["name"] == CEILING]


def run_shop(target: config.Shop) -> dict:
    fx = shop.fixtures(target)
    rows = selected(rows_for(fx))
    by_name = {r["name"]: r for r in rows}
    ceiling = by_name[CEILING]
    result: dict = {mode: {} for mode in MODES}
    result["load"] = load_average()
    for mode in MODES:
        with Server(database=target.url, cache=mode == "on") as server:
            result[mode][CEILING] = measure(server, ceiling)
            for row in rows:
                if row is ceiling or mode not in row.get("modes", MODES):
                    continue
                result[mode][row["name"]] = r = measure(server, row, ceiling)
                log(
                    f"{target.label} cache {mode:3} {row['name']:46} {r['rps']:8.0f}/s "
                    f"p50 {r['p50']:6.1f} p99 {r['p99']:6.1f} cpu {r['cpu_ms']:6.2f} ms "
                    f"(db {r['db_cpu_ms']:5.2f}) "
                    f"errors {r['errors']} (bare view just before: {r['ceiling']:.0f}/s)"
                )
            if mode == "on" and LIST in by_name and CHECKOUT in by_name:
                result["mixed"] = mixed = list_while_buying(
                    server, by_name[LIST], by_name[CHECKOUT]
                )
                log(
                    f"{target.label} first page while 4 buyers check out: {mixed['rps']:.0f}/s "
                    f"p50 {mixed['p50']:.1f} ({mixed['orders_rps']:.0f} orders/s, "
                    f"{mixed['buyers_cpu_share']:.0%} of the server's CPU at "
                    f"{mixed['order_cpu_ms']:.1f} ms per order; "
                    f"{mixed['read_cpu_ms']:.2f} ms per read)"
                )
    if CHECKOUT in by_name:
        result["checkout"] = shop.verify_checkout(target, fx)
        log(f"{target.label} checkout check: {result['checkout']}")
    return result


def main() -> None:
    started = time.monotonic()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed (apt-get install wrk)")
    if not config.SKIP_BUILD:
        for target in config.SHOPS:
            shop.build(target)
    log("collectstatic (DEBUG off serves hashed static names)")
    subprocess.run(
        [config.PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=config.BASE_DIR,
        env={**os.environ, **config.SERVER_ENV},
        check=True,
    )
    results = {}
    for target in config.SHOPS:
        results[target.label] = run_shop(target)
    explain_text = ""
    if not config.QUICK:
        explain_text = shop.explain(
            config.SHOPS[-1],
            [
                "/api/v1/products/?search=crunchy%20dog%20kibble",  # the bench's search
                "/api/v1/products/?search=crunchy",  # one word in 20 names: the planner's choice
                "/api/v1/products/?page=500",
            ],
        )
    text = report(results, explain_text, time.monotonic() - started)
    config.RESULTS.mkdir(parents=True, exist_ok=True)
    (config.RESULTS / ("quick.md" if config.QUICK else "latest.md")).write_text(text + "\n")
    print(text)
    if any(not r.get("checkout", {"exact": True})["exact"] for r in results.values()):
        sys.exit("checkout left stock inexact")


if __name__ == "__main__":
    main()
