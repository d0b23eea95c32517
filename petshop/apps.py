from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PetshopConfig(AppConfig):
    name = "petshop"
    verbose_name = "Pet shop"


class ShopAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the shop's own site (petshop.admin_site.ShopAdminSite)
    as the default site."""

    default = False  # not petshop's own config (that is PetshopConfig)
    default_site = "petshop.admin_site.ShopAdminSite"
