from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from petshop.health import healthz, live
from petshop.media import media_serve

urlpatterns = [
    # Before the admin's own URLs: the second-factor pages live under its prefix.
    path("admin/2fa/", include("accounts.two_factor.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("petshop.api_urls")),
    path("healthz", healthz, name="healthz"),
    path("healthz/live", live, name="healthz-live"),
    # The storefront: each app serves its own pages.
    path("account/", include("accounts.urls")),
    path("", include("sales.urls")),
    path("", include("returns.urls")),
    path("", include("catalog.urls")),
]

if settings.MEDIA_SERVE and settings.MEDIA_URL.startswith("/"):
    urlpatterns.insert(
        0, path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", media_serve, name="media")
    )

handler404 = "petshop.views.page_not_found"
handler500 = "petshop.views.server_error"
