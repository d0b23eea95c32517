"""Every /api/v1/ route. Each app's api/urls.py lists its own."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from petshop.core.api.fallback import api_not_found

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("catalog.api.urls")),
    path("", include("sales.api.urls")),
    path("", include("returns.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    # Last: anything else under /api/v1/ is a JSON 404 (petshop/core/api/fallback.py).
    re_path(r"^.*$", api_not_found, name="api-not-found"),
]
