"""A customer's reads of their own documents (orders, invoices, returns), served from the
per-user cache (petshop.core.user_cache) as rendered bytes.

Only for a JSON read by a customer: staff see everyone's rows and other formats (the
browsable API) render per request, so both always take the full path. The full path
runs inside DRF as usual (authentication, permissions, content negotiation, then the
view's `compute`); a hit skips only the queries and the rendering, so its headers are
the full path's.
"""

from collections.abc import Callable

from django.http import HttpResponse
from django.utils import timezone
from rest_framework.response import Response

from petshop.core.roles import is_shop_admin
from petshop.core.user_cache import cached_for_user


class OwnReadsMixin:
    def own_read(self, request, compute: Callable[[], dict | list]) -> HttpResponse:
        """The response of a read whose data `compute()` builds for request.user."""
        renderer = request.accepted_renderer
        if is_shop_admin(request.user) or renderer.format != "json":
            return Response(compute())
        media_type = request.accepted_media_type  # `; indent=4` changes the bytes
        parts = (
            request.scheme,
            request.get_host(),  # pagination links carry the host
            request.path,
            tuple(sorted(request.GET.lists())),
            media_type,
            # An invoice turns overdue at midnight with no write (Invoice.is_overdue).
            timezone.localdate().isoformat(),
        )
        body = cached_for_user(
            request.user.pk,
            parts,
            lambda: renderer.render(compute(), media_type, self.get_renderer_context()),
        )
        charset = f"; charset={renderer.charset}" if renderer.charset else ""  # as DRF's Response
        return HttpResponse(body, content_type=renderer.media_type + charset)
