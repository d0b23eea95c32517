"""Schema fuzzing: schemathesis against the OpenAPI document of a running production
server (serve.py; production settings, a fresh PostgreSQL database with the demo shop), once as a
customer and once as an admin, bounded in examples and in time.

Checks: not_a_server_error, status_code_conformance, response_schema_conformance.
Exit status: schemathesis's (non-zero on any failure).

    .venv/bin/python scripts/reliability/fuzz.py [--max-examples 25] [--role customer|admin] [--seed N] [--phases ...]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import (
    PYTHON,
    REDIS_DB_URL,
    ROOT,
    CheckFailed,
    Server,
    django_setup,
    free_port,
    fresh_database,
    log,
    manage,
    server_env,
)

DB_NAME = "petshop_fuzz"
LOGS = Path("/tmp/petshop-fuzz")
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance"
SCHEMATHESIS = str(Path(PYTHON).with_name("schemathesis"))
SEED = 8  # reproducible in CI
PHASES = "examples,coverage,fuzzing"


def fuzz_users() -> dict[str, str]:
    """A customer and an admin with ids far above anything else, so that fuzzed ids
    (small numbers, mostly) rarely land on them: an admin fuzzing DELETE /users/{id}/
    must not deactivate the very account the run authenticates with."""
    from django.contrib.auth.hashers import make_password
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.models import User
    from catalog.models import Product
    from sales.models import ShippingMethod
    from sales.services import cart_add, cart_for_user, order_place

    password = make_password("fuzz-password-1")
    customer = User.objects.create(
        pk=7_000_001, username="fuzz-customer", email="fuzz-customer@example.com", password=password
    )
    admin = User.objects.create(
        pk=7_000_002,
        username="fuzz-admin",
        email="fuzz-admin@example.com",
        password=password,
        is_staff=True,
        is_superuser=True,
    )
    # The customer owns a cart and orders, so their endpoints answer with real objects.
    products = list(Product.objects.filter(is_active=True, stock__gt=5).order_by("pk")[:3])
    # The demo shop has shipping methods, and then checkout requires one.
    method = ShippingMethod.objects.active().order_by("pk").values_list("pk", flat=True).first()
    for product in products:
        order_place(
            user=customer,
            shipping_address="1 Fuzz Road, Testville",
            shipping_method=method,
            items=[{"product_id": product.pk, "quantity": 1}],
        )
    cart = cart_for_user(user=customer)
    for product in products:
        cart_add(cart=cart, product_id=product.pk, quantity=1)
    return {
        "customer": str(AccessToken.for_user(customer)),
        "admin": str(AccessToken.for_user(admin)),
    }


# Operations that can take the run's own account away (deactivate it, drop its admin
# role): fuzzed last, on their own, so that everything else is fuzzed as a live user.
SELF_DESTRUCTIVE = ["users_destroy", "users_roles_destroy"]


def run_schemathesis(server: Server, role: str, token: str, max_examples: int, seconds: int) -> int:
    deadline = time.monotonic() + seconds
    status = 0
    for step, selection in (
        ("main", [arg for op in SELF_DESTRUCTIVE for arg in ("--exclude-operation-id", op)]),
        ("last", [arg for op in SELF_DESTRUCTIVE for arg in ("--include-operation-id", op)]),
    ):
        left = int(deadline - time.monotonic())
        if left <= 0:
            print(f"schemathesis as {role}: no time left for the {step} step", file=sys.stderr)
            return 1
        status |= _schemathesis(server, f"{role}-{step}", token, max_examples, left, selection)
    return status


def _schemathesis(server, name, token, max_examples, seconds, selection) -> int:
    report = LOGS / f"{name}.junit.xml"
    args = [
        SCHEMATHESIS,
        "run",
        f"{server.url}/api/v1/schema/",
        *selection,
        "--checks",
        CHECKS,
        "--header",
        f"Authorization: Bearer {token}",
        "--max-examples",
        str(max_examples),
        "--phases",
        PHASES,
        "--continue-on-failure",
        # One client thread: with two, hypothesis's lambda-description cache races and
        # schemathesis reports its own "Runtime Error" (AST recursion depth mismatch).
        # Races in the shop are the scale-out check's business.
        "--workers",
        "1",
        "--request-timeout",
        "15",
        "--seed",
        str(SEED),  # reproducible in CI; --seed N by hand to explore
        "--suppress-health-check",
        "too_slow,filter_too_much",
        "--report",
        "junit",
        "--report-junit-path",
        str(report),
        "--no-color",
    ]
    log(f"fuzzing as {name}: {max_examples} examples per operation, at most {seconds}s")
    try:
        result = subprocess.run(args, cwd=ROOT, timeout=seconds)
    except subprocess.TimeoutExpired:
        print(f"schemathesis as {name} ran over {seconds}s", file=sys.stderr)
        return 1
    log(f"fuzzing as {name}: exit {result.returncode} (JUnit report: {report})")
    return result.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=25)
    parser.add_argument("--seconds", type=int, default=200, help="wall-clock limit per role")
    parser.add_argument("--role", choices=["customer", "admin"], action="append")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument(
        "--phases",
        default="examples,coverage,fuzzing",
        help="add ',stateful' to follow links between calls",
    )
    args = parser.parse_args()
    global SEED, PHASES
    SEED, PHASES = args.seed, args.phases
    LOGS.mkdir(parents=True, exist_ok=True)

    db_url = fresh_database(DB_NAME)
    env = server_env(
        database_url=db_url,
        redis_url=REDIS_DB_URL,
        CACHE_KEY_PREFIX="fuzz",
        DJANGO_STATIC_ROOT=tempfile.mkdtemp(prefix="petshop-fuzz-static-"),
        JWT_ACCESS_MINUTES="120",
        # The fuzzer is one client hammering login and register: the throttles are
        # tested elsewhere (tests/test_security.py) and would only turn answers into 429.
        THROTTLE_LOGIN="100000/min",
        THROTTLE_REGISTER="100000/min",
    )
    log(f"migrating and seeding {DB_NAME}")
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "seed_demo", "--force")  # a throwaway database run with production settings
    django_setup(env)
    tokens = fuzz_users()

    server = Server(
        port=free_port(8200, 8299), env=env, workers=2, log_path=LOGS / "server.log"
    ).start()
    log(f"server {server.url} (log: {server.log_path})")
    status = 0
    try:
        for role in args.role or ["customer", "admin"]:
            status |= run_schemathesis(server, role, tokens[role], args.max_examples, args.seconds)
    finally:
        server.stop()
    return 1 if status else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except CheckFailed as exc:
        print(f"FUZZING FAILED: {exc}", file=sys.stderr)
        sys.exit(1)
