from django.core.paginator import Paginator
from django.db.models import QuerySet
from rest_framework import pagination

# From this offset on, a page is fetched ids first (see DeepPagePaginator).
DEFERRED_JOIN_OFFSET = 1000


class DeepPagePaginator(Paginator):
    """Deep pages cost about what the first one does.

    `LIMIT 20 OFFSET 9980` over the full rows (and their joins) makes PostgreSQL build
    and throw away 9,980 joined rows. Past DEFERRED_JOIN_OFFSET the page's ids are taken
    first, from the list's covering index alone (an index-only scan), then only those
    rows are loaded, with their select_related and prefetch_related as usual.
    """

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom < DEFERRED_JOIN_OFFSET or not isinstance(self.object_list, QuerySet):
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        # Same ordering (ending with the pk) as the ids query, so the same sequence.
        return self._get_page(list(self.object_list.filter(pk__in=ids)), number, self)


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=N&page_size=M`: default 20, at most 100 (API.md, Conventions)."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    django_paginator_class = DeepPagePaginator
