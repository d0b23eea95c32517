from django.urls import path

from returns import views

app_name = "returns"
urlpatterns = [
    path("orders/<str:number>/return/", views.return_create, name="create"),
    path("returns/", views.return_list, name="list"),
    path("returns/<int:pk>/", views.return_detail, name="detail"),
    path("returns/<int:pk>/withdraw/", views.return_withdraw, name="withdraw"),
]
