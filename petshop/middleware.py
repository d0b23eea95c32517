import logging
import re
import time
import uuid

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

from petshop.core.sessions import SessionCacheUnavailable
from petshop.logging import request_id_var, user_var

logger = logging.getLogger("petshop.request")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


class RequestIdMiddleware:
    """Gives each request an id (or keeps the load balancer's X-Request-ID), logs one
    line per request with it and the user, and echoes it in the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("X-Request-ID", "")
        if not _REQUEST_ID.fullmatch(request_id):  # a client's id is echoed only if it is tame
            request_id = uuid.uuid4().hex
        request.id = request_id
        rid_token = request_id_var.set(request_id)
        user_token = user_var.set("-")
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            username = _username(request, response)
            if username:
                user_var.set(username)
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


def _username(request, response) -> str:
    """The request's user for the log line. Not looked up after a 503 (the database was
    unreachable): that lookup would wait on the dead database again, and must never turn
    the answer into a 500. Other errors (a 500) leave the database reachable."""
    user = request.__dict__.get("user")
    if user is None or response.status_code == 503:
        return ""
    try:
        return user.get_username() if user.is_authenticated else ""
    except DatabaseError:
        return ""


# What a request cannot do without: the database, and (to end a session) the cache
# that holds the sessions' copies (petshop.core.sessions).
UNAVAILABLE = (OperationalError, InterfaceError, SessionCacheUnavailable)


class DatabaseUnavailableMiddleware:
    """When the database cannot be reached (or a session cannot be ended because its
    cache did not answer), answer 503 (JSON for the API, a page for people) instead of a
    stack trace. The next request tries again by itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except UNAVAILABLE as exc:
            return self.unavailable(request, exc)

    def process_exception(self, request, exception):
        if isinstance(exception, UNAVAILABLE):
            return self.unavailable(request, exception)
        return None

    @staticmethod
    def unavailable(request, exc):
        logger.error("unavailable (%s): %s", type(exc).__name__, exc)
        if request.path.startswith("/api/") or request.path.startswith("/healthz"):
            response = JsonResponse(
                {
                    "detail": "The service is temporarily unavailable.",
                    "code": "service_unavailable",
                },
                status=503,
            )
        else:
            # Rendered without the request: context processors (navigation, user) would
            # query the database that is down and turn this page into a 500.
            try:
                page = render_to_string("503.html", {})
            except Exception:  # the page must come out whatever the template does
                logger.exception("the 503 page failed to render")
                page = (
                    "<!doctype html><title>Back soon</title><h1>The shop is back in a moment.</h1>"
                )
            response = HttpResponse(page, status=503, content_type="text/html; charset=utf-8")
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
