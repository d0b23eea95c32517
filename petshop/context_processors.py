from django.conf import settings


def shop(request):
    """What every storefront template may use."""
    from catalog.selectors import nav_categories, nav_pet_types  # apps load after settings

    return {
        "nav_pet_types": nav_pet_types,
        "nav_categories": nav_categories,
        "LOW_STOCK_THRESHOLD": settings.LOW_STOCK_THRESHOLD,
    }
