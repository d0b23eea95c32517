"""Helpers every app's storefront views share."""

import hashlib
from collections.abc import Callable
from functools import cache, wraps
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from petshop.core.user_cache import cached_for_user


def positive_int(text: str | None) -> int | None:
    """A query or form value as a positive whole number in ASCII digits (an id, a page
    number), else None. `str.isdigit()` alone also accepts "²", which int() refuses."""
    if text and text.isascii() and text.isdigit() and int(text) > 0:
        return int(text)
    return None


@cache
def templates_version() -> str:
    """A digest of every project template, read once per process: the cached HTML
    (catalog bodies and pages, a customer's cached parts) names it in its keys, so a
    deploy that changes a template is never served parts rendered by the old one."""
    digest = hashlib.sha1()
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(folder).rglob("*.html")):
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def post_or_back_to(url_name: str):
    """require_POST for a storefront form's target that sits behind login_required,
    except that a GET goes back to the page holding the form (`url_name`, reversed
    with the view's own kwargs) instead of a blank 405. That GET is what the login
    redirect sends when the form was posted after the session ran out."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, **kwargs):
            if request.method != "POST":
                messages.info(request, "Nothing was changed: please use the button on this page.")
                return redirect(url_name, **kwargs)
            return view(request, **kwargs)

        return wrapper

    return decorate


def cached_part(request, name: str, template: str, context: Callable[[], dict]) -> str:
    """The per-customer part of a page (`template` rendered with `context()`, e.g. a
    list's rows and pagination), from the never-stale per-user cache
    (petshop.core.user_cache), keyed by the page's `name` and its raw query string.

    Only for a part that shows the user's own rows and nothing per request: no form, no
    CSRF token, no messages. `request` is in its context for the pagination's links,
    which keep the query string (part of the key)."""

    def compute() -> str:
        return render_to_string(template, {**context(), "request": request})

    parts = (templates_version(), name, request.META.get("QUERY_STRING", ""))
    return mark_safe(cached_for_user(request.user.pk, parts, compute))
