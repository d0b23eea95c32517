"""The catalog API's read cache: one layer, wrapped around each catalog viewset's view
function (`CatalogViewSet.as_view`), for the reads (list, detail, facets, suggest).

- **Key.** `cache_parts()` is the one place that turns a request into a cache key: the
  scheme, host and path (page links carry them), every query parameter, and a search
  term normalised (case, spaces) where the body does not echo it back.
- **Fill (full path).** A JSON read by anyone but a shop admin goes through DRF
  (authentication, permissions, negotiation, filters, serializers) and
  `CatalogViewSet.cached_response` stores a `CachedRead`: the rendered bytes, their ETag
  and the headers DRF sends with them (Content-Type, Allow, Vary).
- **Fast path.** An anonymous GET (no `Authorization`, no session cookie) that accepts
  JSON (`*/*`, `application/json` or no Accept) is answered from a `CachedRead` before
  DRF runs: same status, bytes and headers as the full path (catalog/tests/
  test_api_read_cache.py compares them). Anything else, or a miss, takes the full path.
- **Never stale** (catalog.cache): entries carry the catalog version. Product lists and
  details also show stock figures, which every order changes: their bytes are kept as a
  `StockTemplate` (the body cut at each `stock` and `in_stock` value). When the stock
  version has moved since the entry was stamped, one indexed query reads the current
  stock of the products shown, the figures are laid back in and the entry is stamped
  anew. A stock write that takes a product in or out of stock moves the catalog version
  (lists filtered by `in_stock`, facet counts), so those are recomputed in full.
- **Conditional requests.** Every 200 read carries a strong ETag (a hash of the bytes
  and of the audience: an admin's and an anonymous body never share one, even where the
  bytes agree), stored with the entry so a hit does not hash. `If-None-Match` with a
  matching tag → `304 Not Modified`, no body, on both paths. Reads vary with `Accept`,
  `Authorization` and `Cookie` (admins see more).
"""

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import wraps

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags

from catalog.cache import entry_key, lookup, store
from catalog.models import Product
from catalog.search import MAX_TERM_LENGTH, normalise_term

READ_ACTIONS = frozenset({"list", "retrieve", "facets", "suggest"})
# Parameters that hold a search term: normalised in cache keys (catalog.search), where
# the response does not echo them back (a list's page links do).
SEARCH_PARAMETERS = {"facets": ("search",), "suggest": ("q",)}
JSON_ACCEPTS = ("*/*", "application/json", "")
VARY = ("Accept", "Authorization", "Cookie")
PUBLIC, ADMIN = "public", "admin"
# Sent with a 304 when the 200 would have had them (RFC 9110, 15.4.5).
NOT_MODIFIED_HEADERS = ("Cache-Control", "Content-Location", "ETag", "Expires", "Vary")
STOCK_FIELDS = ("stock", "in_stock")


def cache_parts(request, kind: str) -> tuple:
    """The key of a read: `kind` (action and media type), the absolute URL and the query
    with search terms normalised. (`request.GET` is DRF's `query_params`, so the fast
    path and the full path compute the same key.)"""
    terms = SEARCH_PARAMETERS.get(kind.split(":", 1)[0], ())
    query = sorted(
        (key, tuple(_key_term(v) for v in values) if key in terms else tuple(values))
        for key, values in request.GET.lists()
    )
    return (kind, request.scheme, request.get_host(), request.path, tuple(query))


def _key_term(value: str) -> str:
    """A search term as its key names it: normalised when the filters accept it, as it
    came when they refuse it (too long, a NUL), so that it is refused (400) whether or
    not the cache holds the answer for the term it would normalise to."""
    if len(value) > MAX_TERM_LENGTH or "\x00" in value:
        return value
    return normalise_term(value)


def read_key(namespace: str, request, kind: str) -> str:
    return entry_key(f"api:{namespace}", *cache_parts(request, kind))


def etag_of(body: bytes, audience: str) -> str:
    digest = hashlib.blake2b(body, digest_size=16, person=audience.encode()).hexdigest()
    return f'"{digest}"'


# --- Stock figures laid over cached bytes ---------------------------------------------


@dataclass(frozen=True)
class StockTemplate:
    """A rendered body cut at each product's `stock` and `in_stock` value: `chunks` has
    one more item than `slots` ((product id, field) each)."""

    chunks: tuple[bytes, ...]
    slots: tuple[tuple[int, str], ...]

    @property
    def product_ids(self) -> set[int]:
        return {pid for pid, _ in self.slots}

    def fill(self, stocks: dict[int, int]) -> bytes:
        # As DRF's JSON renderer writes them: an integer, and true / false.
        values = {
            "stock": {pid: str(n).encode() for pid, n in stocks.items()},
            "in_stock": {pid: b"true" if n > 0 else b"false" for pid, n in stocks.items()},
        }
        out = [self.chunks[0]]
        for (pid, field), chunk in zip(self.slots, self.chunks[1:], strict=True):
            out += (values[field][pid], chunk)
        return b"".join(out)


def render_with_stock(
    data, render: Callable[[object], bytes]
) -> tuple[bytes, StockTemplate, dict[int, int]]:
    """Render `data` (a product, or a page of them) once, with every stock figure
    replaced by a marker no body can hold (random per call), and cut it there. Returns
    the bytes as they would have been rendered (the figures laid back in), the template
    and the figures."""
    marker = secrets.token_hex(8)
    rows = data.get("results", [data]) if isinstance(data, dict) else data
    stocks = {}
    for row in rows:
        stocks[row["id"]] = row["stock"]
        for field in STOCK_FIELDS:
            row[field] = f"{marker}:{row['id']}:{field}"
    pieces = re.split(rf'"{marker}:(\d+):(\w+)"'.encode(), render(data))
    ids, fields = pieces[1::3], pieces[2::3]
    template = StockTemplate(
        chunks=tuple(pieces[0::3]),
        slots=tuple((int(pid), field.decode()) for pid, field in zip(ids, fields, strict=True)),
    )
    return template.fill(stocks), template, stocks


# --- Entries -------------------------------------------------------------------------


@dataclass(frozen=True)
class CachedRead:
    body: bytes
    etag: str
    headers: tuple[tuple[str, str], ...]  # as the full path sends them (Content-Type, ...)
    template: StockTemplate | None = None  # when the body shows stock figures
    stocks: tuple[tuple[int, int], ...] = ()  # the figures `body` shows

    def response(self) -> HttpResponse:
        response = HttpResponse(self.body, headers=dict(self.headers))
        response["ETag"] = self.etag
        return response

    def with_stock(self, stocks: dict[int, int]) -> "CachedRead":
        if tuple(sorted(stocks.items())) == self.stocks:
            return self
        body = self.template.fill(stocks)
        return replace(
            self, body=body, etag=etag_of(body, PUBLIC), stocks=tuple(sorted(stocks.items()))
        )


def build_read(
    data, render: Callable[[object], bytes], headers: dict, *, stock: bool
) -> CachedRead:
    """The entry for a public read's `data`; `stock`: it shows products' stock."""
    if not stock:
        body = render(data)
        return CachedRead(body=body, etag=etag_of(body, PUBLIC), headers=tuple(headers.items()))
    body, template, stocks = render_with_stock(data, render)
    return CachedRead(
        body=body,
        etag=etag_of(body, PUBLIC),
        headers=tuple(headers.items()),
        template=template,
        stocks=tuple(sorted(stocks.items())),
    )


def current_read(key: str, compute: Callable[[], CachedRead] | None = None) -> CachedRead | None:
    """The entry under `key` as it stands now: stock figures brought up to date when the
    stock version moved (one query), computed and stored on a miss (None without
    `compute`)."""
    versions, entry = lookup(key)
    if entry is not None and entry[0][0] == versions.catalog:
        (_, stamped_stock), read = entry
        if stamped_stock == versions.stock or read.template is None:
            return read
        ids = read.template.product_ids
        stocks = dict(Product.objects.filter(pk__in=ids).values_list("pk", "stock"))
        if len(stocks) == len(ids):  # else a product went meanwhile: compute afresh
            read = read.with_stock(stocks)
            store(key, versions, read)
            return read
    if compute is None:
        return None
    read = compute()
    store(key, versions, read)
    return read


# --- The layer around the view --------------------------------------------------------


def takes_fast_path(request) -> bool:
    return (
        request.method == "GET"
        and "HTTP_AUTHORIZATION" not in request.META
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and request.META.get("HTTP_ACCEPT", "*/*") in JSON_ACCEPTS
    )


def not_modified(request, response):
    """`304 Not Modified` when the client already holds this 200's ETag (weak comparison,
    as RFC 9110 asks for If-None-Match); otherwise the response itself."""
    wanted = parse_etags(request.META.get("HTTP_IF_NONE_MATCH", ""))
    etag = response.get("ETag")
    if response.status_code != 200 or not etag or not wanted:
        return response
    if "*" not in wanted and etag.removeprefix("W/") not in {e.removeprefix("W/") for e in wanted}:
        return response
    short = HttpResponseNotModified()
    for name in NOT_MODIFIED_HEADERS:
        if name in response:
            short[name] = response[name]
    return short


def answer(request, response):
    """A read's 200 as sent: with the reads' `Vary`, or a 304 when the client holds it."""
    patch_vary_headers(response, VARY)
    return not_modified(request, response)


def serve_cached_reads(view, namespace: str):
    """Wrap a catalog viewset's view function (the result of `as_view()`) with the fast
    path, the `Vary` of reads and `If-None-Match`. Writes pass through untouched."""
    actions = view.actions

    @wraps(view)
    def serve(request, *args, **kwargs):
        method = request.method.lower()
        # DRF maps HEAD to GET's action inside the view, on the first HEAD it serves.
        action = actions.get(method) or (actions.get("get") if method == "head" else None)
        if action not in READ_ACTIONS:
            return view(request, *args, **kwargs)
        read = None
        if takes_fast_path(request):
            key = read_key(namespace, request, f"{action}:application/json")
            # CachedReadMiddleware remembers the key of this URL once it answered 200.
            request.catalog_read_key = key
            read = current_read(key)
        response = read.response() if read is not None else view(request, *args, **kwargs)
        return answer(request, response)

    return serve


# --- The layer in front of the middleware ---------------------------------------------

# Headers of a read that come with its entry (or are counted from its body); the others
# are what the middleware after CachedReadMiddleware added (X-Frame-Options).
ENTRY_HEADERS = frozenset({"content-type", "allow", "vary", "etag", "content-length"})
MAX_KNOWN_URLS = 10_000


@dataclass(frozen=True)
class KnownRead:
    key: str
    added: tuple[tuple[str, str], ...]  # headers the rest of the middleware added


class CachedReadMiddleware:
    """Answers a fast-path read of a URL it has seen answered from the cache before the
    rest of the middleware runs. It is placed after the request id and access log, the
    security headers and HTTPS redirect, and the database-unavailable 503, which all
    still apply.

    For an anonymous JSON GET, a catalog read costs little more than its cache lookup;
    the rest of the middleware (sessions, CSRF, authentication, two-factor gate,
    messages, frame options) and URL resolution cost as much again, and for such a
    request they do nothing but add a fixed header. So when `serve_cached_reads`
    answered a URL 200 from the cache, this remembers, per process, the URL's cache key
    and the headers the rest added; the next request for that URL is answered from the
    entry as it stands now (`current_read`: versions checked, stock brought up to date)
    with those headers, and anything else (a miss, a cookie, a token, another Accept)
    takes the whole stack. A URL is the scheme, validated host, path and query as sent,
    and the Accept header. catalog/tests/test_api_read_cache.py compares both answers.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.known: dict[tuple, KnownRead] = {}

    def __call__(self, request):
        if not takes_fast_path(request):
            return self.get_response(request)
        url = (
            request.scheme,
            request.get_host(),
            request.get_full_path(),
            request.META.get("HTTP_ACCEPT", ""),
        )
        known = self.known.get(url)
        if known is not None:
            read = current_read(known.key)
            if read is not None:
                response = answer(request, read.response())
                for name, value in known.added:
                    response[name] = value
                response["Content-Length"] = str(len(response.content))
                return response
        response = self.get_response(request)
        key = getattr(request, "catalog_read_key", None)
        if key is not None and response.status_code == 200 and not response.cookies:
            if len(self.known) >= MAX_KNOWN_URLS:  # many odd query strings: start over
                self.known.clear()
            added = tuple(
                (name, value)
                for name, value in response.items()
                if name.lower() not in ENTRY_HEADERS
            )
            self.known[url] = KnownRead(key=key, added=added)
        return response
