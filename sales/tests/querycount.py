"""Counting the queries of one API request, to prove a list costs the same whatever its size."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)
