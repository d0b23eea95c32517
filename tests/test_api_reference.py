"""docs/API.md, the API's reference in this repository, stays true to the code: every
endpoint of the OpenAPI schema and every error `code` the API can answer is in it.

Adding an endpoint or a domain error? Document it in docs/API.md (the test names what is
missing)."""

import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from petshop.core.exceptions import DomainError

pytestmark = pytest.mark.django_db

REFERENCE = Path(settings.BASE_DIR) / "docs" / "API.md"
# Codes the API's own plumbing answers with (petshop/core/api), beside the domain errors'.
API_CODES = {"request_too_large", "service_unavailable"}


def _template(path: str) -> str:
    """`/api/v1/orders/{order}/` and `/api/v1/orders/{id}/` both → `/api/v1/orders/{}/`."""
    return re.sub(r"\{[^}]+\}", "{}", path)


def _documented_endpoints() -> set[tuple[str, str]]:
    text = REFERENCE.read_text()
    found = re.findall(r"`(GET|POST|PUT|PATCH|DELETE) (/api/v1/[^`\s]*)`", text)
    return {(method, _template(path.split("?")[0])) for method, path in found}


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def _domain_codes() -> set[str]:
    for app in apps.get_app_configs():  # every app's exceptions module, loaded
        try:
            importlib.import_module(f"{app.name}.exceptions")
        except ModuleNotFoundError:
            pass
    return {cls.code for cls in _all_subclasses(DomainError)} | {DomainError.code}


def test_every_endpoint_of_the_schema_is_in_the_reference(api_client):
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    in_schema = {
        (method.upper(), _template(path))
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }
    missing = sorted(in_schema - _documented_endpoints())
    assert not missing, f"Endpoints missing from docs/API.md: {missing}"


def test_every_error_code_the_api_can_answer_is_in_the_reference():
    spans = " ".join(re.findall(r"`([^`]*)`", REFERENCE.read_text()))
    codes = _domain_codes() | API_CODES
    missing = sorted(code for code in codes if not re.search(rf"\b{code}\b", spans))
    assert not missing, f"Error codes missing from docs/API.md: {missing}"


def test_the_reference_check_sees_what_it_checks():
    # Guards the checks above against passing vacuously (a changed table format).
    assert len(_documented_endpoints()) > 40
    assert {"insufficient_stock", "invalid_transition", "cart_empty"} <= _domain_codes()
