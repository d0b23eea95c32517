from rest_framework.routers import SimpleRouter

from catalog.api import views

# Converters, not regexes (as every API module): ids are integers in the schema.
router = SimpleRouter(use_regex_path=False)
router.register("products", views.ProductViewSet, basename="product")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("pet-types", views.PetTypeViewSet, basename="pet-type")

urlpatterns = router.urls
