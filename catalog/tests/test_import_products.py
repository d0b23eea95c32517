"""`manage.py import_products FILE.csv`: creates or updates by sku, reports bad rows."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from catalog.cache import catalog_version
from catalog.models import Product
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

HEADER = "sku,name,price,category,pet_type,brand,stock\n"


def run_import(tmp_path, text: str, *args) -> tuple[str, str]:
    path = tmp_path / "products.csv"
    path.write_text(text, encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("import_products", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_new_sku_creates_a_product(tmp_path):
    out, _ = run_import(tmp_path, HEADER + "NEW-1,Chew Bone,4.50,toys,dog,Acme,12\n")
    product = Product.objects.get(sku="NEW-1")
    assert (product.name, product.price, product.stock) == ("Chew Bone", Decimal("4.50"), 12)
    assert (product.category.slug, product.pet_type.slug) == ("toys", "dog")
    assert "1 products were created, 0 were updated, 0 rows rejected" in out


def test_category_and_pet_type_can_be_named_instead_of_slugged(tmp_path):
    run_import(tmp_path, HEADER + "NEW-1,Chew Bone,4.50,Toys,CAT,,1\n")
    assert Product.objects.get(sku="NEW-1").pet_type.slug == "cat"


def test_known_sku_updates_only_the_cells_given(tmp_path):
    ProductFactory(sku="OLD-1", name="Old name", price=Decimal("9.99"), stock=3, brand="Acme")
    out, _ = run_import(tmp_path, HEADER + "OLD-1,New name,,,,,7\n")
    product = Product.objects.get(sku="OLD-1")
    assert (product.name, product.price, product.stock, product.brand) == (
        "New name",
        Decimal("9.99"),
        7,
        "Acme",
    )
    assert "0 products were created, 1 were updated" in out


def test_bad_rows_are_reported_by_line_and_good_rows_imported(tmp_path):
    text = HEADER + (
        "GOOD-1,Ball,3.00,toys,dog,,5\n"  # line 2
        "BAD-1,Ball,abc,toys,dog,,5\n"  # line 3: price not a number
        "BAD-2,Ball,3.00,toys,dragon,,5\n"  # line 4: unknown pet type
        "BAD-3,Ball,3.00,toys,dog,,-2\n"  # line 5: negative stock
        ",Ball,3.00,toys,dog,,5\n"  # line 6: no sku
        "BAD-4,,3.00,toys,dog,,5\n"  # line 7: new product without a name
        "GOOD-2,Bowl,-1,accessories,cat,,1\n"  # line 8: negative price
        "GOOD-3,Bowl,2.00,accessories,cat,,1\n"  # line 9
    )
    with pytest.raises(CommandError, match="6 rows rejected"):
        run_import(tmp_path, text)
    assert set(Product.objects.values_list("sku", flat=True)) == {"GOOD-1", "GOOD-3"}


def test_each_bad_row_names_its_line_and_reason(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(
        HEADER + "GOOD-1,Ball,3.00,toys,dog,,5\nBAD-1,Ball,abc,toys,dog,,5\n"
        "BAD-2,Ball,3.00,toys,dragon,,5\nBAD-3,Ball,3.00,toys,dog,,-2\n"
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_products", str(path), stdout=StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0] == f"{path}:3: price: 'abc' is not a number"
    assert lines[1] == f"{path}:4: unknown pet type 'dragon'"
    assert lines[2].startswith(f"{path}:5: stock:")
    assert len(lines) == 3


def test_line_numbers_count_quoted_multiline_cells(tmp_path):
    text = (
        "sku,name,price,category,pet_type,description\n"
        'OK-1,Bed,20.00,accessories,dog,"Soft\nand warm"\n'  # lines 2-3
        "BAD-1,Bed,x,accessories,dog,\n"  # line 4
    )
    err = StringIO()
    path = tmp_path / "p.csv"
    path.write_text(text)
    with pytest.raises(CommandError):
        call_command("import_products", str(path), stdout=StringIO(), stderr=err)
    assert f"{path}:4: price" in err.getvalue()
    assert Product.objects.get(sku="OK-1").description == "Soft\nand warm"


def test_dry_run_checks_everything_and_changes_nothing(tmp_path):
    ProductFactory(sku="OLD-1", stock=3)
    out, _ = run_import(
        tmp_path, HEADER + "NEW-1,Ball,3.00,toys,dog,,5\nOLD-1,,,,,,9\n", "--dry-run"
    )
    assert "1 products would be created, 1 would be updated, 0 rows rejected" in out
    assert not Product.objects.filter(sku="NEW-1").exists()
    assert Product.objects.get(sku="OLD-1").stock == 3


def test_dry_run_reports_bad_rows_too(tmp_path):
    with pytest.raises(CommandError, match="1 rows rejected"):
        run_import(tmp_path, HEADER + "BAD-1,Ball,abc,toys,dog,,5\n", "--dry-run")


def test_import_invalidates_the_catalog_cache(tmp_path, django_capture_on_commit_callbacks):
    before = catalog_version()
    with django_capture_on_commit_callbacks(execute=True):
        run_import(tmp_path, HEADER + "NEW-1,Ball,3.00,toys,dog,,5\n")
    assert catalog_version() != before


def test_dry_run_leaves_the_cache_alone(tmp_path, django_capture_on_commit_callbacks):
    before = catalog_version()
    with django_capture_on_commit_callbacks(execute=True):
        run_import(tmp_path, HEADER + "NEW-1,Ball,3.00,toys,dog,,5\n", "--dry-run")
    assert catalog_version() == before


def test_unknown_column_is_refused_before_any_row(tmp_path):
    with pytest.raises(CommandError, match="Unknown columns: colour"):
        run_import(tmp_path, "sku,name,colour\nA,B,red\n")
    assert not Product.objects.exists()


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_products", str(tmp_path / "nope.csv"))


@pytest.mark.parametrize(
    "cells, reason",
    [
        ("1.5,yes", "stock: '1.5' is not a whole number"),
        ("2,maybe", "is_active: 'maybe' is not true or false"),
        ("2,yes,extra", "more cells than the header has columns"),
    ],
)
def test_malformed_cells_are_rejected_with_their_reason(tmp_path, cells, reason):
    path = tmp_path / "p.csv"
    path.write_text(
        f"sku,name,price,category,pet_type,stock,is_active\nX-1,Ball,3.00,toys,dog,{cells}\n"
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_products", str(path), stdout=StringIO(), stderr=err)
    assert err.getvalue().strip() == f"{path}:2: {reason}"
    assert not Product.objects.exists()


@pytest.mark.parametrize("price", ["NaN", "Infinity"])
def test_price_that_is_not_a_finite_number_is_rejected(tmp_path, price):
    with pytest.raises(CommandError, match="1 rows rejected"):
        run_import(tmp_path, HEADER + f"X-1,Ball,{price},toys,dog,,1\n")


def test_is_active_no_deactivates_a_product(tmp_path):
    ProductFactory(sku="OLD-1")
    run_import(tmp_path, "sku,is_active\nOLD-1,no\n")
    assert Product.objects.get(sku="OLD-1").is_active is False


def test_header_without_sku_is_refused(tmp_path):
    with pytest.raises(CommandError, match="with a sku column"):
        run_import(tmp_path, "name,price\nBall,3.00\n")
