"""No module grows past about 400 lines (tests, migrations and the benchmark aside): a
longer one is split by subdomain, as sales/services/ and petshop/demo/ are."""

from pathlib import Path

from django.conf import settings

LIMIT = 420  # "about 400"
EXEMPT_PARTS = {"tests", "migrations", ".venv", "node_modules", "bench"}


def test_no_module_is_over_about_400_lines():
    root = Path(settings.BASE_DIR)
    long = {
        str(path.relative_to(root)): n
        for path in root.rglob("*.py")
        if not EXEMPT_PARTS & set(path.relative_to(root).parts)
        and (n := len(path.read_text().splitlines())) > LIMIT
    }
    assert not long, f"Split these modules by subdomain: {long}"
