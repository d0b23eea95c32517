from rest_framework.routers import SimpleRouter

from catalog.api import views

router = SimpleRouter()
router.register("products", views.ProductViewSet, basename="product")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("pet-types", views.PetTypeViewSet, basename="pet-type")

urlpatterns = router.urls
