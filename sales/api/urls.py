from django.urls import path
from rest_framework.routers import SimpleRouter

import petshop.core.api.converters  # noqa: F401 (registers <id:...>)
from sales.api import views

# Converters, not regexes: ids are integers in the schema, and /orders/abc/ is a 404.
router = SimpleRouter(use_regex_path=False)
router.register("carts", views.AdminCartViewSet, basename="api-cart")
router.register("orders", views.OrderViewSet, basename="api-order")
router.register("invoices", views.InvoiceViewSet, basename="api-invoice")
router.register("shipping-methods", views.ShippingMethodViewSet, basename="api-shipping-method")

cart = views.CartViewSet.as_view({"get": "retrieve", "put": "update", "delete": "destroy"})
cart_items = views.CartViewSet.as_view({"post": "add_item"})
cart_item = views.CartViewSet.as_view({"patch": "set_item", "delete": "remove_item"})

urlpatterns = [
    path("cart/", cart, name="api-my-cart"),
    path("cart/items/", cart_items, name="api-my-cart-items"),
    path("cart/items/<id:product_id>/", cart_item, name="api-my-cart-item"),
    *router.urls,
]
