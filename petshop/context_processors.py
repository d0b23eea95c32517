from django.conf import settings
from django.utils.functional import SimpleLazyObject


def shop(request):
    """What every storefront template may use. The navigation lists are fetched (from
    the catalog cache) at most once per request, and only by pages that show them."""
    from catalog.selectors import nav_categories, nav_pet_types  # apps load after settings

    return {
        "nav_pet_types": SimpleLazyObject(nav_pet_types),
        "nav_categories": SimpleLazyObject(nav_categories),
        "LOW_STOCK_THRESHOLD": settings.LOW_STOCK_THRESHOLD,
    }
