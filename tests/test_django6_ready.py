"""Ready for Django 6: the suite treats deprecations as errors (pytest.ini), so code that
still leans on something Django 6 removes fails its own tests, whoever adds it."""

import warnings

import pytest
from django.contrib import admin
from django.utils.deprecation import RemovedInDjango60Warning, RemovedInDjango61Warning

from catalog.models import Product


@pytest.mark.parametrize(
    "category", [RemovedInDjango60Warning, RemovedInDjango61Warning, DeprecationWarning]
)
def test_a_deprecation_warning_fails_the_test(category):
    with pytest.raises(category):
        warnings.warn("going away", category, stacklevel=1)


def test_admin_reads_a_url_typed_without_a_scheme_as_https(rf, admin_user):
    request = rf.get("/")
    request.user = admin_user
    form_class = admin.site.get_model_admin(Product).get_form(request)
    field = form_class.base_fields["image_url"]

    assert field.clean("cdn.example.com/rex.png") == "https://cdn.example.com/rex.png"
