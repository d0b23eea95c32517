from django.urls import path

from sales.views import cart, checkout, guest, orders

app_name = "sales"
urlpatterns = [
    path("cart/", cart.cart_detail, name="cart"),
    path("cart/add/", cart.cart_add_view, name="cart_add"),
    path("cart/update/", cart.cart_update_view, name="cart_update"),
    path("cart/remove/", cart.cart_remove_view, name="cart_remove"),
    path("checkout/", checkout.checkout, name="checkout"),
    path("checkout/done/<str:number>/", checkout.order_placed, name="order_placed"),
    path("track/<str:token>/", guest.guest_order, name="guest_order"),
    path("track/<str:token>/invoice/", guest.guest_invoice, name="guest_invoice"),
    path("claim-orders/", guest.guest_orders_claim_request, name="guest_orders_claim_request"),
    path("claim-orders/<str:token>/", guest.guest_orders_claim_view, name="guest_orders_claim"),
    path("orders/", orders.order_list, name="order_list"),
    path("orders/<str:number>/", orders.order_detail, name="order"),
    path("orders/<str:number>/cancel/", orders.order_cancel_view, name="order_cancel"),
    path("orders/<str:number>/address/", orders.order_address_view, name="order_address"),
    path("invoices/", orders.invoice_list, name="invoice_list"),
    path("invoices/<str:number>/", orders.invoice_detail, name="invoice"),
]
