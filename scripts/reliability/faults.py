"""Faults: a production server (serve.py, production settings, 2 workers) whose Redis
and PostgreSQL this check owns, cut and brought back while it runs.

1. Redis dies (a private redis-server, never the shared one): the API and the
   storefront keep answering from the database, the same data, fast, no 5xx; writes
   still work; /healthz says "cache": "down". Redis back on the same port: "cache": "ok"
   and catalog entries are cached again, with nothing stale.
2. PostgreSQL unreachable (a TCP proxy in front of the real server, stopped, which also
   cuts the server's persistent connections): /healthz 503 JSON, every API request a
   JSON 503 (never HTML, never a 500), the storefront a 503 page. Proxy back: the same
   server processes recover by themselves.

    .venv/bin/python scripts/reliability/faults.py
"""

from __future__ import annotations

import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from harness import (
    PG_URL,
    CheckFailed,
    RedisServer,
    Server,
    TcpProxy,
    check,
    database_url,
    django_setup,
    free_port,
    fresh_database,
    json_body,
    log,
    manage,
    request,
    server_env,
)

DB_NAME = "petshop_faults"
LOGS = Path("/tmp/petshop-faults")
SLOW = (
    3.0  # seconds; a dead dependency must fail fast, not hang every request (CI load allowed for)
)
REPEAT = 4  # each probe several times, so that both server workers are seen


def seed() -> dict:
    from django.contrib.auth.hashers import make_password
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.models import User
    from catalog.models import Category, PetType, Product

    password = make_password("faults-password-1")
    customer = User.objects.create(
        username="fault-customer", email="fc@example.com", password=password
    )
    admin = User.objects.create(
        username="fault-admin",
        email="fa@example.com",
        password=password,
        is_staff=True,
        is_superuser=True,
    )
    food, dog = Category.objects.get(slug="food"), PetType.objects.get(slug="dog")
    products = [
        Product.objects.create(
            sku=f"FAULT-{n}",
            name=f"Sturdy bowl {n}",
            slug=f"sturdy-bowl-{n}",
            price=f"{n + 3}.00",
            category=food,
            pet_type=dog,
            stock=50,
        )
        for n in range(3)
    ]
    return {
        "session": {"Cookie": f"sessionid={_session_for(customer)}", "Accept": "text/html"},
        "customer": {"Authorization": f"Bearer {AccessToken.for_user(customer)}"},
        "admin": {"Authorization": f"Bearer {AccessToken.for_user(admin)}"},
        "product": products[0],
    }


def _session_for(user) -> str:
    """A logged-in storefront session, as the login page would have stored it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    # The configured store, as the login page stores it (with Redis: cache and database).
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def storefront_paths(product) -> list[str]:
    from django.urls import NoReverseMatch, reverse

    paths = ["/"]
    for name, args in (
        ("catalog:product_list", ()),
        ("catalog:product", (product.pk, product.slug)),
    ):
        try:
            paths.append(reverse(name, args=args))
        except NoReverseMatch:
            pass
    return paths


def timed(method, url, **kwargs):
    started = time.monotonic()
    status, headers, raw = request(method, url, **kwargs)
    elapsed = time.monotonic() - started
    check(elapsed < SLOW, f"{method} {url} took {elapsed:.2f}s (a dead dependency must fail fast)")
    return status, headers, raw


def get_json(server, path, headers=None, expect=200):
    status, hdrs, raw = timed("GET", server.url + path, headers=headers)
    check(status == expect, f"GET {path}: {status}, expected {expect}: {raw[:300]!r}")
    check(hdrs.get("content-type", "").startswith("application/json"), f"GET {path}: not JSON")
    return json_body(raw)


HEALTHY = {"status": "ok", "database": "ok", "cache": "ok"}


def services(body: dict) -> dict:
    """What /healthz says of the database and the cache (it reports the task queue too)."""
    return {key: body.get(key) for key in HEALTHY}


def healthz(server) -> tuple[int, dict]:
    status, headers, raw = timed("GET", server.url + "/healthz")
    check(headers.get("content-type", "").startswith("application/json"), "/healthz is not JSON")
    return status, json_body(raw)


def healthy(server) -> bool:
    status, body = healthz(server)
    return status == 200 and services(body) == HEALTHY


def wait_for(predicate, what: str, timeout: float = 15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    raise CheckFailed(f"timed out waiting for {what}")


def api_reads(server, data) -> dict:
    pid = data["product"].pk
    return {
        "products": get_json(server, "/api/v1/products/?ordering=name"),
        "product": get_json(server, f"/api/v1/products/{pid}/"),
        "categories": get_json(server, "/api/v1/categories/"),
        "pet_types": get_json(server, "/api/v1/pet-types/"),
        "me": get_json(server, "/api/v1/auth/me/", headers=data["customer"]),
        "orders": get_json(server, "/api/v1/orders/", headers=data["customer"]),
    }


SESSION_PAGES = ["/orders/", "/cart/", "/invoices/"]  # a logged-in customer's own pages


def storefront_reads(server, paths, data) -> None:
    pages = [(path, {"Accept": "text/html"}) for path in paths]
    pages += [(path, data["session"]) for path in SESSION_PAGES]
    for path, headers in pages:
        status, hdrs, _ = timed("GET", server.url + path, headers=headers)
        check(status == 200, f"storefront {path}: {status}")
        check(hdrs.get("content-type", "").startswith("text/html"), f"storefront {path}: not HTML")


def catalog_keys(redis_server) -> int:
    import redis

    return len(redis.Redis(port=redis_server.port, socket_timeout=1).keys("*catalog:*"))


def redis_phase(server, redis_server, data, paths) -> None:
    status, body = healthz(server)
    check(
        status == 200 and services(body) == HEALTHY,
        f"healthz {status} {body}",
    )
    baseline = [api_reads(server, data) for _ in range(2)][-1]
    storefront_reads(server, paths, data)
    check(catalog_keys(redis_server) > 0, "nothing of the catalog was cached in Redis")
    log("redis up: API, storefront and cache fine")

    redis_server.stop()
    log("redis killed")
    for _ in range(REPEAT):
        status, body = healthz(server)
        check(
            status == 200 and body.get("cache") == "down" and body.get("database") == "ok",
            f"healthz with Redis down: {status} {body}",
        )
        reads = api_reads(server, data)
        check(reads == baseline, "the API answered differently with Redis down")
        storefront_reads(server, paths, data)
    # Writes with the cache gone: a price change and a checkout, then read them back.
    pid = data["product"].pk
    status, _, raw = timed(
        "PATCH",
        f"{server.url}/api/v1/products/{pid}/",
        body={"price": "99.95"},
        headers=data["admin"],
    )
    check(status == 200, f"price change with Redis down: {status} {raw[:300]!r}")
    status, _, raw = timed(
        "POST",
        server.url + "/api/v1/orders/",
        headers=data["customer"],
        body={
            "shipping_address": "2 Fault Street, Outage Town",
            "items": [{"product_id": pid, "quantity": 2}],
        },
    )
    check(status == 201, f"checkout with Redis down: {status} {raw[:300]!r}")
    number = json_body(raw)["number"]
    for _ in range(REPEAT):
        product = get_json(server, f"/api/v1/products/{pid}/")
        check(
            product["price"] == "99.95" and product["stock"] == 48,
            f"stale product with Redis down: {product}",
        )
        status, _, raw = timed("GET", server.url + "/orders/", headers=data["session"])
        check(
            status == 200 and number.encode() in raw,
            "the new order is missing from the storefront's order list",
        )
        # Login works too: its throttles live in Redis and fail open rather than shut.
        status, _, raw = timed(
            "POST",
            server.url + "/api/v1/auth/login/",
            body={"username": "fault-customer", "password": "faults-password-1"},
        )
        check(status == 200, f"login with Redis down: {status} {raw[:200]!r}")
    log("redis down: same answers from the database, writes fine, healthz says cache down")

    redis_server.start()
    log("redis restarted on the same port")
    wait_for(
        lambda: healthy(server),
        "healthz to report the cache ok again",
    )
    for _ in range(REPEAT):
        product = get_json(server, f"/api/v1/products/{pid}/")
        check(
            product["price"] == "99.95" and product["stock"] == 48,
            f"stale product after Redis came back: {product}",
        )
        get_json(server, "/api/v1/products/")
    storefront_reads(server, paths, data)
    check(
        catalog_keys(redis_server) > 0, "catalog entries are not cached again after Redis came back"
    )
    log("redis back: healthz ok, caching resumed, nothing stale")


def expect_json_503(server, method, path, headers=None, body=None) -> None:
    for _ in range(REPEAT):
        status, hdrs, raw = timed(method, server.url + path, headers=headers, body=body)
        check(status == 503, f"{method} {path} with the database down: {status} {raw[:300]!r}")
        check(
            hdrs.get("content-type", "").startswith("application/json"),
            f"{method} {path} with the database down is not JSON: {hdrs.get('content-type')} {raw[:200]!r}",
        )
        check(
            (json_body(raw) or {}).get("code") == "service_unavailable",
            f"{method} {path}: {raw[:300]!r}",
        )


def database_phase(server, proxy, data, paths) -> None:
    proxy.stop()
    log("database cut (proxy stopped, connections dropped)")
    nonce = uuid.uuid4().hex  # queries nobody cached before
    for _ in range(REPEAT):
        status, body = healthz(server)
        check(
            status == 503 and body.get("database") == "down",
            f"healthz with the database down: {status} {body}",
        )
    pid = data["product"].pk
    expect_json_503(server, "GET", f"/api/v1/products/?search={nonce}")
    expect_json_503(server, "GET", "/api/v1/orders/", headers=data["customer"])
    expect_json_503(server, "GET", "/api/v1/auth/me/", headers=data["admin"])
    expect_json_503(server, "GET", "/api/v1/users/", headers=data["admin"])
    expect_json_503(
        server, "POST", "/api/v1/auth/login/", body={"username": "fault-customer", "password": "x"}
    )
    expect_json_503(
        server,
        "POST",
        "/api/v1/orders/",
        headers=data["customer"],
        body={
            "shipping_address": "2 Fault Street, Outage Town",
            "items": [{"product_id": pid, "quantity": 1}],
        },
    )
    anonymous = {"Accept": "text/html"}
    pages = [
        (f"/products/?search={nonce}", anonymous, True),
        ("/", anonymous, False),
        ("/account/login/", anonymous, False),
    ]  # these two may be served without the DB
    pages += [(path, data["session"], True) for path in SESSION_PAGES]
    for path, headers, needs_database in pages:
        for _ in range(REPEAT):
            status, hdrs, raw = timed("GET", server.url + path, headers=headers)
            allowed = (503,) if needs_database else (200, 503)
            check(status in allowed, f"storefront {path} with the database down: {status}")
            check(
                hdrs.get("content-type", "").startswith("text/html"),
                f"storefront {path}: not a page",
            )
            check(
                b"Traceback" not in raw and b"OperationalError" not in raw,
                f"storefront {path} leaks a trace",
            )
    log("database down: 503 JSON on the API and healthz, 503 page on the storefront")

    pid_before = server.proc.pid
    proxy.start()
    log("database back (proxy restarted)")
    wait_for(lambda: healthz(server)[0] == 200, "healthz to report the database back")
    for _ in range(REPEAT):
        api_reads(server, data)
        storefront_reads(server, paths, data)
    check(server.proc.poll() is None and server.proc.pid == pid_before, "the server was restarted")
    log("database back: the same server recovered by itself")


def main() -> int:
    LOGS.mkdir(parents=True, exist_ok=True)
    static_root = tempfile.mkdtemp(prefix="petshop-faults-static-")
    direct_url = fresh_database(DB_NAME)
    pg_port = urlsplit(PG_URL).port or 5432
    redis_server = RedisServer(free_port(6400, 6499), log_path=LOGS / "redis.log").start()
    proxy = TcpProxy(free_port(6500, 6599), pg_port).start()
    env = server_env(
        database_url=database_url(DB_NAME, port=proxy.listen_port),
        redis_url=redis_server.url,
        DJANGO_STATIC_ROOT=static_root,
        DB_CONNECT_TIMEOUT="1",
    )
    log(
        f"migrating {DB_NAME}; redis on {redis_server.port}, PostgreSQL proxy on {proxy.listen_port}"
    )
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    django_setup({**env, "DATABASE_URL": direct_url})  # this process talks to PG directly
    data = seed()
    paths = storefront_paths(data["product"])
    server = Server(
        port=free_port(8200, 8299), env=env, workers=2, log_path=LOGS / "server.log"
    ).start()
    log(f"server {server.url}, storefront pages {paths}, logs in {LOGS}")
    try:
        redis_phase(server, redis_server, data, paths)
        database_phase(server, proxy, data, paths)
    finally:
        server.stop()
        proxy.stop()
        redis_server.stop()
    log("faults: all properties hold")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except CheckFailed as exc:
        print(f"FAULTS FAILED: {exc}\n(server log: {LOGS / 'server.log'})", file=sys.stderr)
        sys.exit(1)
