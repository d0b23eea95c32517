from functools import lru_cache

from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse


def shop(request):
    """What every storefront template may use: the same for every visitor (the catalog's
    cached bodies are rendered with exactly this, catalog/fragments.py), and the links of
    base.html's header and footer."""
    from catalog.fragments import shop_context  # apps load after settings

    return {**shop_context(), "site_links": site_links(get_script_prefix(), get_urlconf())}


@lru_cache(maxsize=8)
def site_links(script_prefix: str, urlconf: str | None) -> dict[str, str]:
    """The URLs base.html links to on every page, reversed once per URL prefix and URLconf
    rather than about fifteen times per request (a fifth of a cached page's time)."""
    names = {
        "home": ("catalog:home", {}),
        "catalog": ("catalog:product_list", {}),
        "suggest": ("product-suggest", {}),
        # For the search box's script, which swaps in a suggestion's id and slug.
        "product_pattern": ("catalog:product", {"pk": 0, "slug": "slug"}),
        "cart": ("sales:cart", {}),
        "orders": ("sales:order_list", {}),
        "profile": ("accounts:profile", {}),
        "logout": ("accounts:logout", {}),
        "login": ("accounts:login", {}),
        "register": ("accounts:register", {}),
        "invoices": ("sales:invoice_list", {}),
        "returns": ("returns:list", {}),
        "password_change": ("accounts:password_change", {}),
    }
    links = {key: reverse(name, kwargs=kwargs) for key, (name, kwargs) in names.items()}
    files = {"css": "css/shop.css", "logo": "img/logo.svg"}
    files |= {"shop_js": "js/shop.js", "search_js": "js/search.js"}
    return links | {key: static(path) for key, path in files.items()}
