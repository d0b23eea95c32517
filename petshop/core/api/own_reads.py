"""A customer's reads of their own documents (orders, invoices, returns), served from the
per-user cache (petshop.core.user_cache) as rendered bytes.

Only for a JSON read by a customer: staff see everyone's rows and other formats (the
browsable API) render per request, so both always take the full path. The full path
runs inside DRF as usual (authentication, permissions, content negotiation, then the
view's `compute`); a hit skips only the queries and the rendering, so its headers are
the full path's.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from rest_framework.response import Response

from petshop.core.roles import is_shop_admin
from petshop.core.user_cache import cached_for_user


class OwnReadsMixin:
    # `list` and `retrieve` from a viewset's plain-dict builders (its app's
    # api/representations): `documents` for a page of rows, `document` for one. (A
    # comment, not a docstring: drf-spectacular would make it the operations' description.)

    documents: Callable[[list], list[dict]]
    document: Callable[[Any], dict]

    def list(self, request, *args, **kwargs):
        def compute():
            page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
            return self.get_paginated_response(self.documents(page)).data

        return self.own_read(request, compute)

    def retrieve(self, request, *args, **kwargs):
        return self.own_read(request, lambda: self.document(self.get_object()))

    def own_read(self, request, compute: Callable[[], Any]) -> HttpResponse:
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
