"""Production-like settings for the benches that run the shop in their own process
(micro.py, per_user.py, checkout_profile.py, read_under_writes.py): DEBUG off, quiet
logs, no HTTPS redirect or secure-only cookies (the test client speaks plain HTTP). A
setting already in the environment wins. Run as `python bench/<script>.py`, so this
folder is on sys.path and `import in_process` finds this module.
"""

import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

PRODUCTION_LIKE = {
    "DJANGO_SETTINGS_MODULE": "petshop.settings",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "bench-only-" + "x" * 50,
    "LOG_LEVEL": "WARNING",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_SECURE_COOKIES": "false",
}


def configure() -> None:
    """The repository on sys.path and the settings above in the environment (a server
    this process starts inherits them)."""
    sys.path.insert(0, str(BASE_DIR))
    for name, value in PRODUCTION_LIKE.items():
        os.environ.setdefault(name, value)


def setup() -> None:
    """configure(), then django.setup()."""
    configure()
    import django

    django.setup()
