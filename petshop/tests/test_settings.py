"""Settings: production refuses a missing or weak secret key, and `check --deploy` is
clean with production values. Each case runs in a fresh interpreter, since settings are
read once per process."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x7#kq-" + "long-random-production-secret-" * 2,
    "DJANGO_ALLOWED_HOSTS": "shop.example.com",
}


def run_python(args: list[str], **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env, DJANGO_SETTINGS_MODULE="petshop.settings")
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


IMPORT_SETTINGS = ["-c", "import django; django.setup(); print('started')"]


@pytest.mark.parametrize(
    "secret",
    [None, "", "short-secret", "dev-only-insecure-secret-key-do-not-use-in-production"],
    ids=["missing", "empty", "short", "default"],
)
def test_production_refuses_to_start_without_a_real_secret_key(secret):
    env = {**PRODUCTION}
    env.pop("DJANGO_SECRET_KEY")
    if secret is not None:
        env["DJANGO_SECRET_KEY"] = secret
    result = run_python(IMPORT_SETTINGS, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_starts_with_a_real_secret_key():
    result = run_python(IMPORT_SETTINGS, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_development_starts_without_any_environment():
    result = run_python(IMPORT_SETTINGS)
    assert result.returncode == 0, result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def _names_read(path: Path, pattern: str) -> set[str]:
    import re

    return set(re.findall(pattern, path.read_text()))


def test_env_example_lists_every_variable_the_settings_read():
    documented = _names_read(ROOT / ".env.example", r"(?m)^([A-Z][A-Z0-9_]+)=")
    read = _names_read(ROOT / "petshop" / "settings.py", r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"')
    read |= _names_read(
        ROOT / "serve.py", r'(?:_int\(|_flag\(|\.get\()(?:environ, )?"([A-Z][A-Z0-9_]+)"'
    )
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "WEB_CONCURRENCY", "HOST"} <= read
    assert read - documented == set()


@pytest.fixture(scope="module")
def serve():
    """serve.py's namespace (it is a script at the top, not a package module)."""
    import runpy

    return runpy.run_path(str(ROOT / "serve.py"))


def test_server_takes_bind_workers_and_timeouts_from_the_environment(serve):
    options = serve["server_options"](
        {"HOST": "127.0.0.1", "PORT": "8123", "WEB_CONCURRENCY": "3", "WEB_TIMEOUT": "20"}
    )
    assert (options["address"], options["port"], options["workers"]) == ("127.0.0.1", 8123, 3)
    assert options["header_read_timeout_ms"] == options["statement_timeout_ms"] == 20_000


def test_server_defaults_bind_every_interface_with_one_thread_per_worker(serve):
    options = serve["server_options"]({"PORT": "", "WEB_TIMEOUT": ""})
    assert (options["address"], options["port"]) == ("0.0.0.0", 8000)
    assert options["blocking_threads"] == 1
    assert options["statement_timeout_ms"] == 30_000
    assert options["respawn_failed_workers"] is True


def test_server_statement_timeout_reaches_postgresql_unless_the_operator_set_pgoptions(serve):
    options = serve["server_options"]({"WEB_TIMEOUT": "7"})
    environ: dict = {}
    serve["database_timeout"](options, environ)
    assert environ["PGOPTIONS"] == "-c statement_timeout=7000"
    operators = {"PGOPTIONS": "-c statement_timeout=0"}
    serve["database_timeout"](options, operators)
    assert operators["PGOPTIONS"] == "-c statement_timeout=0"


def test_server_runs_one_worker_by_default_unless_the_workers_share_a_cache(serve):
    # Several workers, each with its own in-process cache, would serve stale catalog pages.
    assert serve["server_options"]({})["workers"] == 1
    shared = serve["server_options"]({"REDIS_URL": "redis://127.0.0.1:6379/0"})["workers"]
    assert shared == (os.cpu_count() or 1) + 1
    assert serve["server_options"]({"CACHE_BACKEND": "dummy"})["workers"] > 1


SESSION_SETTINGS = [
    "-c",
    "import django, json; django.setup(); from django.conf import settings as s; "
    "alias = s.CACHES.get(s.SESSION_CACHE_ALIAS, {}).get('OPTIONS', {}); "
    "print(json.dumps([s.SESSION_ENGINE, s.SESSION_CACHE_ALIAS, "
    "alias.get('IGNORE_EXCEPTIONS')]))",
]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        # Redis, shared by every worker: sessions read from it, on an alias that raises
        # (petshop/core/sessions.py needs a failed delete to be an error, not a no-op).
        ({"REDIS_URL": "redis://127.0.0.1:6399/0"}, ["petshop.core.sessions", "sessions", False]),
        # An in-process cache is each worker's own, and a dummy one holds nothing.
        ({}, ["django.contrib.sessions.backends.db", "default", None]),
        (
            {"REDIS_URL": "redis://127.0.0.1:6399/0", "CACHE_BACKEND": "dummy"},
            ["django.contrib.sessions.backends.db", "default", None],
        ),
    ],
    ids=["redis", "in-process cache", "cache off"],
)
def test_sessions_are_cached_only_in_a_cache_every_worker_shares(env, expected):
    import json

    environment = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CACHE_BACKEND")}
    result = subprocess.run(
        [sys.executable, *SESSION_SETTINGS],
        cwd=ROOT,
        env={**environment, **env, "DJANGO_SETTINGS_MODULE": "petshop.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == expected
