"""The shop's admin site (petshop.admin_site.ShopAdminSite) is the default site."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import User
from petshop.admin_site import ShopAdminSite

pytestmark = pytest.mark.django_db


def test_the_default_admin_site_is_the_shops_with_every_registered_model():
    assert isinstance(admin.site, ShopAdminSite)
    assert admin.site.is_registered(User)


def test_the_admin_index_carries_the_shops_titles_and_the_overview_link(admin_user, client):
    client.force_login(admin_user)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Pet shop staff" in page and "Run the shop" in page
    assert reverse("admin:sales_overview") in page


def test_the_overview_sits_behind_the_admin_login(client, customer):
    overview = reverse("admin:sales_overview")
    assert client.get(overview).status_code == 302
    client.force_login(customer)
    response = client.get(overview)
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
