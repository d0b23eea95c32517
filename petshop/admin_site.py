"""The shop's admin site: the stock Django admin with the shop's titles and the staff
pages that belong to no single model (the sales overview).

Installed as the default site by petshop.apps.ShopAdminConfig (in INSTALLED_APPS in place
of "django.contrib.admin"), so ``django.contrib.admin.site`` *is* this site and every
``@admin.register`` keeps working. Extra pages go in ``get_urls`` behind ``admin_view``:
the same login, staff check (and any second factor) as every admin page.
"""

from django.contrib import admin
from django.urls import path


class ShopAdminSite(admin.AdminSite):
    site_header = "Pet shop staff"
    site_title = "Pet shop staff"
    index_title = "Run the shop"

    def get_urls(self):
        # Imported here: sales.admin registers its models on this very site, which is
        # being built while this module loads.
        from sales.admin.overview import sales_overview

        return [
            path("overview/", self.admin_view(sales_overview), name="sales_overview"),
            *super().get_urls(),
        ]
