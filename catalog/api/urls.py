from django.urls import path
from rest_framework.routers import SimpleRouter

from catalog.api import views

# Converters, not regexes (as every API module): ids are integers in the schema.
router = SimpleRouter(use_regex_path=False)
router.register("products", views.ProductViewSet, basename="product")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("pet-types", views.PetTypeViewSet, basename="pet-type")

images = views.ProductImageViewSet
urlpatterns = [
    path("products/<id:id>/images/", images.as_view({"post": "create"})),
    path(
        "products/<id:id>/images/<id:image_id>/",
        images.as_view({"patch": "partial_update", "delete": "destroy"}),
    ),
    *router.urls,
]
