def shop(request):
    """What every storefront template may use: the same for every visitor (the catalog's
    cached bodies are rendered with exactly this, catalog/fragments.py)."""
    from catalog.fragments import shop_context  # apps load after settings

    return shop_context()
