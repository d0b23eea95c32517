import logging
import time
import uuid

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.template.response import TemplateResponse

from petshop.logging import request_id_var, user_var

logger = logging.getLogger("petshop.request")


class RequestIdMiddleware:
    """Gives each request an id (or keeps the load balancer's X-Request-ID), logs one
    line per request with it and the user, and echoes it in the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        request.id = request_id
        rid_token = request_id_var.set(request_id)
        user_token = user_var.set("-")
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                user_var.set(user.get_username())
            logger.info(
                "%s %s %s %.1fms",
                request.method,
                request.path,
                response.status_code,
                (time.perf_counter() - started) * 1000,
            )
            response["X-Request-ID"] = request_id
            return response
        finally:
            request_id_var.reset(rid_token)
            user_var.reset(user_token)


class DatabaseUnavailableMiddleware:
    """When the database cannot be reached, answer 503 (JSON for the API, a page for
    people) instead of a stack trace. The next request tries again by itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except (OperationalError, InterfaceError) as exc:
            return self.unavailable(request, exc)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            return self.unavailable(request, exception)
        return None

    @staticmethod
    def unavailable(request, exc):
        logger.error("database unavailable: %s", exc)
        if request.path.startswith("/api/") or request.path.startswith("/healthz"):
            response = JsonResponse(
                {"detail": "The service is temporarily unavailable.", "code": "service_unavailable"},
                status=503,
            )
        else:
            response = TemplateResponse(request, "503.html", status=503, context={})
            response.render()
        response["Retry-After"] = "5"
        return response


class ContentSecurityPolicyMiddleware:
    """A strict CSP for the storefront (no inline script, nothing from other origins).
    The admin and the Swagger UI bring their own inline code and are left out."""

    POLICY = (
        "default-src 'self'; img-src 'self' data: https:; style-src 'self'; "
        "script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'"
    )
    EXEMPT_PREFIXES = ("/admin/", "/api/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(self.EXEMPT_PREFIXES):
            response.setdefault("Content-Security-Policy", self.POLICY)
        return response
