"""The storefront's catalog HTML that is the same for every visitor, rendered once.

The body of the home page, of the catalog page (grid of cards, filter panel with its
counts, pagination) and of a product page (gallery, details, related products) is
rendered once per catalog version and query and kept in the catalog cache
(`catalog.cache.cached`: every entry carries the catalog version, so a catalog or stock
write makes it unreachable at once, it is never stale). The page around it (base.html:
the cart count, the account menu, messages, the header's search box) is rendered per
request by the view.

Nothing of the visitor can get into a body: it is rendered without the request's
context processors, from the catalog data, the shop's settings and the query string
only. The one per-visitor bit inside a body, the CSRF token of the add-to-cart form, is
rendered as a random marker; the body is stored split at the markers and the view joins
the pieces with the visitor's own token.

Every key also names the templates' version (a digest of their files), so a deploy
that changes a template is never served bodies rendered by the old one.
"""

import secrets
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from catalog.cache import cached
from catalog.facets import product_facets
from catalog.filters import StorefrontProductFilter, filter_panel
from catalog.forms import AddToCartForm
from catalog.models import Product
from catalog.pages import product_detail, product_featured, product_page_list
from catalog.search import cached_did_you_mean
from catalog.selectors import nav_categories, nav_pet_types
from petshop.core.storefront import positive_int, templates_version


def _parts(*parts) -> tuple:
    return (templates_version(), get_language(), *parts)


def shop_context() -> dict:
    """What every storefront template may use that is the same for every visitor (the
    context processor petshop.context_processors.shop hands it to every page). The
    navigation lists are fetched (from the catalog cache) at most once per render, and
    only by templates that show them."""
    return {
        "nav_pet_types": SimpleLazyObject(nav_pet_types),
        "nav_categories": SimpleLazyObject(nav_categories),
        "LOW_STOCK_THRESHOLD": settings.LOW_STOCK_THRESHOLD,
    }


def _render(template_name: str, context: dict, query: QueryDict | None = None) -> dict:
    """{"pieces": the rendered body split where the CSRF token goes, "pet_nav": base.html's
    shop-by-pet menu}. The menu is catalog data too: cached with the body, the page needs
    one cache read, not two.

    Rendered without the request's context processors: only shop_context() and a bare
    request holding the query string (for `{% querystring %}`), so no user, session,
    message or cart count is even in reach. The CSRF token is a marker, random per
    render, so no catalog text can forge one."""
    bare = HttpRequest()
    bare.GET = query if query is not None else QueryDict()
    marker = secrets.token_hex(16)
    shared = {**shop_context(), "request": bare}
    html = render_to_string(template_name, {**shared, **context, "csrf_token": marker})
    return {
        "pieces": html.split(marker),
        "pet_nav": render_to_string("includes/pet_nav.html", shared),
    }


def page_context(fragment: dict, request, token: str | None = None) -> dict:
    """What base.html and the page template need from a cached fragment, for this
    visitor: the body with their CSRF token (or `token`) where the markers were, and the
    pet menu. Both were rendered by _render from autoescaped templates, hence safe."""
    pieces = fragment["pieces"]
    body = with_token(pieces, request) if token is None else token.join(pieces)
    return {"body": mark_safe(body), "pet_nav": mark_safe(fragment["pet_nav"])}


def with_token(pieces: list[str], request) -> str:
    """HTML cut where CSRF tokens go, joined with this visitor's token (asked for only
    when there is a cut, so a page without a form sets no CSRF cookie)."""
    return pieces[0] if len(pieces) == 1 else get_token(request).join(pieces)


def sessionless(request) -> bool:
    """A visitor who sends no cookie but the CSRF one: no session (so no user and an
    empty cart) and no messages. Every such visitor sees the same page but for the CSRF
    token."""
    return request.COOKIES.keys() <= {settings.CSRF_COOKIE_NAME}


def render_page(request, template_name: str, context: Callable[[str | None], dict | None]):
    """The response of a catalog page: `template_name` rendered for this visitor with
    `context(token)` (None: no such page, the caller answers). For a sessionless visitor
    the whole page, base.html included, is rendered once per catalog version and URL
    with a marker for the CSRF token, cached like the bodies, and joined with the
    visitor's own token: the header, menu and footer are not rendered per request."""
    if not sessionless(request):
        page = context(None)
        return None if page is None else render(request, template_name, page)

    def compute() -> list[str] | None:
        marker = secrets.token_hex(16)
        page = context(marker)
        if page is None:
            return None
        return render_to_string(template_name, {**page, "csrf_token": marker}, request).split(
            marker
        )

    pieces = cached("store:page_html", _parts(template_name, request.get_full_path()), compute)
    if pieces is None:
        return None
    response = HttpResponse(with_token(pieces, request))
    patch_vary_headers(response, ("Cookie",))  # a visitor with a session sees another page
    return response


def pet_nav() -> SafeString:
    """base.html's shop-by-pet menu for the pages that are not cached bodies (account,
    orders, cart...): one cache read instead of the pet types' and a loop of links."""
    html = cached(
        "store:pet_nav_html",
        _parts(),
        lambda: render_to_string("includes/pet_nav.html", {**shop_context()}),
    )
    return mark_safe(html)  # rendered from an autoescaped template


def home_body() -> dict:
    return cached(
        "store:home_html",
        _parts(),
        lambda: _render("catalog/_home_body.html", {"featured": product_featured()}),
    )


def catalog_body(query: QueryDict) -> dict:
    """The catalog page's body for these query parameters, with the page of products it
    shows under "page". Keyed by the parameters as given, in order (the links of the
    pagination and price bands repeat them, and the form shows what was typed); the
    product data underneath is cached by their normalised form (catalog.pages)."""

    def compute() -> dict:
        filterset = StorefrontProductFilter(query, queryset=Product.objects.active())
        filterset.form.is_valid()  # invalid values are shown as errors and ignored
        page = product_page_list(filterset=filterset, page=query.get("page"))
        facets = product_facets(filterset=filterset, cache_parts=filterset.facet_cache_parts())
        term = filterset.search_term
        context = {
            "filter": filterset,
            "form": filterset.form,
            "page": page,
            "panel": filter_panel(facets=facets, form=filterset.form),
            # Only for a search that found nothing: the closest names instead.
            "did_you_mean": cached_did_you_mean(term) if term and not page["count"] else [],
        }
        return {**_render("catalog/_product_list_body.html", context, query), "page": page}

    return cached("store:list_html", _parts(tuple(query.lists())), compute)


def product_body(*, product_id: int, photo: str, quantity: str) -> dict | None:
    """The product page's body, with the product's data under "product"; None when there
    is no such active product. `photo` (?photo=<id>) picks the gallery's main photo;
    `quantity` (?quantity=) is the form's starting quantity, shown as given."""
    photo = photo if positive_int(photo) else ""  # anything else picks no photo: one entry

    def compute() -> dict | None:
        data = product_detail(product_id=product_id)
        if data is None:
            return None
        form = AddToCartForm(
            initial={"product_id": product_id, "quantity": quantity},
            stock=data["product"]["stock"],
        )
        photos = data["product"].get("photos") or []
        # Thumbnails are plain links to ?photo=<id>: the gallery needs no script.
        main = next((ph for ph in photos if str(ph["id"]) == photo), photos[0] if photos else None)
        context = {**data, "form": form, "photo": main}
        return {**_render("catalog/_product_detail_body.html", context), "product": data["product"]}

    return cached("store:product_html", _parts(product_id, photo, quantity), compute)
