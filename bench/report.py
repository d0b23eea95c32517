"""The printed tables: every row with absolute figures beside its ratios, per catalog
size, and issue 14's targets met or missed."""

import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench import rows as R
from bench.config import CONNECTIONS, SECONDS, WORKERS
from serve import server_options


def log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def load_average() -> str:
    return "/".join(f"{n:.2f}" for n in os.getloadavg())


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}); serve.py (granian) {WORKERS} workers of "
        f"{server_options(os.environ)['blocking_threads']} thread(s); wrk "
        f"{CONNECTIONS} connections, {SECONDS} s per row; PostgreSQL and Redis on the same host"
    )


def cells(r: dict | None) -> list[str]:
    """req/s, p50, p99, CPU ms per request, × bare view by req/s."""
    if not r:
        return ["—"] * 5
    rate = f"{r['rps']:,.0f}" + (f" ({r['errors']} err)" if r["errors"] else "")
    return [rate, f"{r['p50']:.1f}", f"{r['p99']:.1f}", f"{r['cpu_ms']:.2f}", f"{relative(r):.2f}"]


def relative(r: dict) -> float:
    """Requests/s against the bare view measured on the same server just before."""
    return r["rps"] / r["ceiling"] if r["ceiling"] else 0.0


def size_table(label: str, result: dict) -> list[str]:
    on, off = result["on"], result["off"]
    lines = [
        f"### {label} products (load average at the start: {result['load']})",
        "",
        "| Row | on req/s | p50 ms | p99 ms | CPU ms | × bare | off req/s | p50 ms | p99 ms | "
        "CPU ms | × bare |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    names = list(dict.fromkeys([*on, *off]))
    for name in names:
        lines.append("| " + " | ".join([name, *cells(on.get(name)), *cells(off.get(name))]) + " |")
    mixed, check = result.get("mixed"), result.get("checkout")
    if mixed:
        lines += [
            "",
            f"{R.WHILE_BUYING}: {mixed['rps']:,.0f} req/s, p50 {mixed['p50']:.1f} ms, p99 "
            f"{mixed['p99']:.1f} ms while the buyers placed {mixed['orders_rps']:.0f} orders/s "
            f"(alone: {on[R.LIST]['rps']:,.0f} req/s). By CPU: the checkouts took about "
            f"{mixed['buyers_cpu_share']:.0%} of the server's CPU (their orders at the "
            f"{mixed['order_cpu_ms']:.1f} ms each the four buyers cost alone), leaving "
            f"{mixed['read_cpu_ms']:.2f} ms per read (alone: {on[R.LIST]['cpu_ms']:.2f}).",
        ]
    if check:
        lines += [
            "",
            f"Checkout check: {check['orders']} orders, {check['units']} units; stock exact: "
            f"**{'yes' if check['exact'] else 'NO'}** ({check['stock_mismatches']} mismatching "
            f"products, {check['invoices']} live invoices, {check['distinct_invoice_numbers']} "
            "distinct numbers).",
        ]
    return lines + [""]


def _ratio_to_list(result: dict, name: str) -> float | None:
    """A storefront row's rate over the API list's, each first taken relative to the bare
    view measured just before it (so a change in the machine's load cancels out)."""
    on = result["on"]
    if name not in on or R.LIST not in on:
        return None
    return relative(on[name]) / relative(on[R.LIST])


def targets(result: dict) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) for one catalog size."""
    on = result["on"]
    out: list[tuple[str, str, bool | None]] = []

    def add(target: str, value: float | None, fmt: str, met) -> None:
        if value is None:
            out.append((target, "not measured", None))
        else:
            out.append((target, fmt.format(value), bool(met(value))))

    bare = on.get(R.CEILING)
    add(
        "bare view p99 ≤ 3 × p50",
        bare and bare["p99"] / bare["p50"],
        "p99 = {:.1f} × p50",
        lambda v: v <= 3,
    )
    for name in (R.DETAIL, R.LIST):
        add(
            f"{name} ≥ 0.8 × bare view",
            on.get(name) and relative(on[name]),
            "{:.2f}",
            lambda v: v >= 0.8,
        )
    for name in (R.STORE_LIST, R.STORE_PRODUCT):
        add(f"{name} ≥ 0.5 × API list", _ratio_to_list(result, name), "{:.2f}", lambda v: v >= 0.5)
    for names, limit in (((R.ORDERS, R.CART), 3), ((R.STORE_LIST_USER, R.STORE_ORDERS), 5)):
        for name in names:
            row = on.get(name)
            # PostgreSQL's share is said beside the whole, which the target is held to.
            fmt = "{:.2f} ms" + (f" (PostgreSQL {row['db_cpu_ms']:.2f})" if row else "")
            add(f"{name} ≤ {limit} ms CPU", row and row["cpu_ms"], fmt, lambda v, n=limit: v <= n)
    mixed = result.get("mixed")
    add(
        "cached first page under 4 buyers ≥ 0.6 × idle",
        mixed and R.LIST in on and mixed["rps"] / on[R.LIST]["rps"],
        "{:.2f}",
        lambda v: v >= 0.6,
    )
    check, buy = result.get("checkout"), on.get(R.CHECKOUT)
    if buy and check:
        exact = check["exact"]
        out.append(
            (
                "checkout ≥ 150 orders/s, 16 buyers, stock exact, invoice numbers distinct",
                f"{buy['rps']:.0f} orders/s, stock exact: {'yes' if exact else 'NO'}",
                buy["rps"] >= 150 and exact,
            )
        )
    else:
        out.append(("checkout ≥ 150 orders/s, 16 buyers", "not measured", None))
    return out


def targets_table(results: dict[str, dict]) -> list[str]:
    labels = list(results)
    by_size = {label: targets(results[label]) for label in labels}
    lines = [
        "### Issue 14's targets (cache on)",
        "",
        "| Target | " + " | ".join(labels) + " |",
        "|---|" + "---|" * len(labels),
    ]
    for i, (target, _, _) in enumerate(by_size[labels[0]]):
        row = []
        for label in labels:
            _, value, met = by_size[label][i]
            verdict = {True: "met", False: "**missed**", None: "—"}[met]
            row.append(f"{value}: {verdict}")
        lines.append(f"| {target} | " + " | ".join(row) + " |")
    return lines


def report(results: dict[str, dict], explain_text: str, seconds: float) -> str:
    lines = [
        f"Benchmark of {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {machine()}.",
        "Latencies in ms. CPU: server CPU ms per request (the server's processes and their "
        "PostgreSQL backends; the targets table also says the backends' part). × bare: requests/s against the bare view measured on the same "
        "server just before the row. on / off: the Redis cache, or CACHE_BACKEND=dummy.",
        "",
    ]
    for label, result in results.items():
        lines += size_table(label, result)
    lines += targets_table(results)
    lines += ["", f"Load average at the end: {load_average()}. Whole run: {seconds:.0f} s."]
    if explain_text:
        lines += ["", "## EXPLAIN ANALYZE", "", explain_text]
    return "\n".join(lines)
