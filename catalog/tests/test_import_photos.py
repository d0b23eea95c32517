"""`import_products` takes an `images` column: photo files relative to the CSV."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from catalog.models import Product, ProductImage
from catalog.photos import product_image_add
from catalog.tests.factories import ProductFactory
from catalog.tests.photo_files import SVG, image_bytes, stored_files, upload

pytestmark = pytest.mark.django_db

HEADER = "sku,name,price,category,pet_type,stock,images\n"


def run_import(folder, text: str, *args) -> tuple[str, str, bool]:
    path = folder / "products.csv"
    path.write_text(text, encoding="utf-8")
    out, err = StringIO(), StringIO()
    try:
        call_command("import_products", str(path), *args, stdout=out, stderr=err)
        failed = False
    except CommandError:
        failed = True
    return out.getvalue(), err.getvalue(), failed


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "front.jpg").write_bytes(image_bytes(size=(300, 200)))
    (tmp_path / "pics" / "back.png").write_bytes(image_bytes("PNG", size=(200, 300)))
    (tmp_path / "pics" / "logo.svg").write_bytes(SVG)
    return tmp_path


def test_a_row_brings_its_photos_in_order(folder):
    _, err, failed = run_import(
        folder, HEADER + "NEW-1,Chew Bone,4.50,toys,dog,3,pics/front.jpg | pics/back.png\n"
    )
    assert not failed, err
    images = list(Product.objects.get(sku="NEW-1").images.order_by("position"))
    assert [(i.width, i.height, i.position) for i in images] == [(300, 200, 0), (200, 300, 1)]
    assert images[0].alt == "Chew Bone"
    assert len(stored_files()) == 2


def test_a_photo_cell_replaces_the_products_photos_and_an_empty_one_keeps_them(
    folder, django_capture_on_commit_callbacks
):
    product = ProductFactory(sku="OLD-1")
    old = product_image_add(product=product, file=upload(image_bytes()))
    with django_capture_on_commit_callbacks(execute=True):
        run_import(folder, HEADER + "OLD-1,,,,,,pics/back.png\n")
    image = ProductImage.objects.get()
    assert (image.width, image.height) == (200, 300)
    assert old.original not in stored_files()
    run_import(folder, HEADER + "OLD-1,,,,,5,\n")
    assert ProductImage.objects.get().pk == image.pk


@pytest.mark.parametrize(
    "cell,reason",
    [
        ("pics/logo.svg", "JPEG, PNG or WebP"),
        ("pics/missing.jpg", "cannot read"),
        ("../outside.jpg", "inside the CSV's folder"),
        ("/etc/hostname", "inside the CSV's folder"),
    ],
)
def test_a_bad_photo_rejects_its_row_and_stores_nothing(folder, cell, reason):
    (folder.parent / "outside.jpg").write_bytes(image_bytes())
    _, err, failed = run_import(
        folder,
        HEADER + f"NEW-1,Chew Bone,4.50,toys,dog,3,pics/front.jpg|{cell}\n"
        "NEW-2,Ball,2.00,toys,dog,3,\n",
    )
    assert failed and reason in err and "products.csv:2:" in err
    assert not Product.objects.filter(sku="NEW-1").exists()
    assert Product.objects.filter(sku="NEW-2").exists()  # the good row still goes in
    assert stored_files() == [] and not ProductImage.objects.exists()


def test_a_dry_run_checks_the_photos_and_stores_nothing(folder):
    out, err, failed = run_import(
        folder, HEADER + "NEW-1,Chew Bone,4.50,toys,dog,3,pics/front.jpg\n", "--dry-run"
    )
    assert not failed, err
    assert "1 products would be created" in out
    assert stored_files() == [] and not Product.objects.exists()
    _, err, failed = run_import(
        folder, HEADER + "NEW-1,Chew Bone,4.50,toys,dog,3,pics/logo.svg\n", "--dry-run"
    )
    assert failed and "JPEG, PNG or WebP" in err
