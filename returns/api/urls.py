from rest_framework.routers import SimpleRouter

from returns.api import views

# Converters, not regexes: ids are integers in the schema, and /orders/abc/ is a 404.
router = SimpleRouter(use_regex_path=False)
router.register("returns", views.ReturnViewSet, basename="api-return")

urlpatterns = router.urls
