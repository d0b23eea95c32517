"""Product photos: what gets in (judged by decoding), what is stored and served (no
metadata, upright), the renditions, positions, and files leaving with their photo."""

import io
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django_tasks_db.models import DBTaskResult
from PIL import Image, PngImagePlugin

from catalog import imaging
from catalog.models import ProductImage
from catalog.photos import (
    product_image_add,
    product_image_delete,
    product_image_renditions_make,
    product_image_update,
)
from catalog.services import product_delete
from catalog.tasks import product_image_renditions
from catalog.tests.factories import ProductFactory
from catalog.tests.photo_files import (
    GPS_IFD,
    SVG,
    exif_with_gps,
    image_bytes,
    open_stored,
    stored_files,
    upload,
)
from sales.tests.factories import place_order

pytestmark = pytest.mark.django_db


def add(product, content=None, **kwargs):
    return product_image_add(product=product, file=upload(content or image_bytes()), **kwargs)


def truncated_jpeg() -> bytes:
    content = image_bytes(size=(800, 600))
    return content[: len(content) // 2]


REFUSALS = {
    "fake jpeg": (b"this is not a picture at all, only text named .jpg" * 10, "photo.jpg"),
    "svg": (SVG, "photo.svg"),
    "gif": (image_bytes("GIF", size=(40, 30), mode="P"), "photo.gif"),
    "truncated": (truncated_jpeg(), "photo.jpg"),
    "html named jpg": (b"<html><script>alert(1)</script></html>", "photo.jpg"),
}


@pytest.mark.parametrize("kind", REFUSALS)
def test_a_refused_upload_stores_nothing(product, kind, django_capture_on_commit_callbacks):
    content, name = REFUSALS[kind]
    with pytest.raises(ValidationError) as refused, django_capture_on_commit_callbacks():
        product_image_add(product=product, file=upload(content, name))
    assert "JPEG, PNG or WebP" in " ".join(refused.value.messages)
    assert not ProductImage.objects.exists()
    assert stored_files() == []
    assert not DBTaskResult.objects.exists()


def test_a_file_over_the_byte_limit_is_refused_before_decoding(product, settings):
    settings.IMAGE_MAX_BYTES = 10_000
    content = image_bytes("PNG", size=(300, 300))
    content += b"\0" * (settings.IMAGE_MAX_BYTES + 1 - len(content))
    with pytest.raises(ValidationError) as refused:
        product_image_add(product=product, file=io.BytesIO(content))  # no .size: read counts
    assert refused.value.code == "too_big"
    assert stored_files() == [] and not ProductImage.objects.exists()


def test_a_decompression_bomb_is_refused_from_its_header(product, settings):
    settings.IMAGE_MAX_PIXELS = 1_000_000
    # 2000×1000 of one colour compresses to a few kB: small file, too many pixels.
    content = image_bytes("PNG", size=(2000, 1000))
    assert len(content) < 50_000
    with pytest.raises(ValidationError) as refused:
        add(product, content)
    assert refused.value.code == "too_many_pixels"
    assert stored_files() == [] and not ProductImage.objects.exists()


@pytest.mark.parametrize("fmt,extension", [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")])
def test_jpeg_png_and_webp_are_stored_under_a_random_name(product, fmt, extension):
    image = add(product, image_bytes(fmt, size=(640, 480)))
    assert image.original.startswith("photos/") and image.original.endswith(f".{extension}")
    assert "photo" not in image.original.split("/")[-1]  # not the uploaded name
    assert (image.width, image.height) == (640, 480)
    assert open_stored(image.original).format == fmt
    assert add(product, image_bytes(fmt)).original != image.original


def test_a_phone_jpeg_with_a_second_picture_mpo_is_stored_as_a_jpeg(product):
    buffer = io.BytesIO()
    first = Image.new("RGB", (320, 240), (200, 30, 30))
    first.save(buffer, "MPO", save_all=True, append_images=[Image.new("RGB", (160, 120))])
    assert Image.open(io.BytesIO(buffer.getvalue())).format == "MPO"  # the control
    image = add(product, buffer.getvalue())
    stored = open_stored(image.original)
    assert image.original.endswith(".jpg") and stored.format == "JPEG"
    assert stored.size == (320, 240) and getattr(stored, "n_frames", 1) == 1


def test_a_cmyk_jpeg_is_stored_as_rgb(product):
    image = add(product, image_bytes(size=(200, 100), mode="CMYK", colour=(0, 0, 0, 0)))
    assert open_stored(image.original).mode == "RGB"


def test_gps_and_camera_metadata_are_gone_from_every_stored_file(product):
    content = image_bytes(exif=exif_with_gps())
    assert Image.open(io.BytesIO(content)).getexif().get_ifd(GPS_IFD)  # the control
    image = add(product, content)
    product_image_renditions_make(image_id=image.pk)
    image.refresh_from_db()
    names = [image.original] + [r["name"] for r in image.renditions.values()]
    assert len(names) == 4
    for name in names:
        with default_storage.open(name, "rb") as file:
            data = file.read()
        stored = Image.open(io.BytesIO(data))
        assert not stored.getexif().get_ifd(GPS_IFD), name
        assert not dict(stored.getexif()), name
        assert b"PhoneMaker" not in data and b"Phone 12" not in data, name


@pytest.mark.parametrize("fmt", ["JPEG", "WEBP", "PNG"])
def test_comments_and_xmp_are_gone_from_the_stored_file(product, fmt):
    buffer = io.BytesIO()
    extra = {"xmp": b"<x:xmpmeta>SECRET-XMP</x:xmpmeta>"}
    if fmt == "JPEG":
        extra["comment"] = b"SECRET-COMMENT"
    if fmt == "PNG":
        extra = {"pnginfo": PngImagePlugin.PngInfo()}
        extra["pnginfo"].add_text("Comment", "SECRET-TEXT")
    Image.new("RGB", (60, 40), (10, 20, 30)).save(buffer, fmt, **extra)
    assert b"SECRET" in buffer.getvalue()  # the control
    image = add(product, buffer.getvalue())
    with default_storage.open(image.original, "rb") as file:
        assert b"SECRET" not in file.read()


def test_exif_orientation_is_applied_to_the_pixels(product):
    # Orientation 6: the camera was turned; a viewer rotates 270° (90° clockwise).
    image = add(product, image_bytes(size=(400, 200), exif=exif_with_gps(orientation=6)))
    assert (image.width, image.height) == (200, 400)
    stored = open_stored(image.original)
    assert stored.size == (200, 400)
    assert stored.getexif().get(0x0112) is None
    # The blue marker of the top-left corner is now top-right.
    assert stored.getpixel((190, 5))[2] > 200 and stored.getpixel((5, 5))[2] < 100


def test_renditions_are_webp_of_the_promised_sizes(product):
    image = add(product, image_bytes(size=(3000, 2000)))
    assert image.renditions == {}
    assert product_image_renditions_make(image_id=image.pk) is True
    image.refresh_from_db()
    expected = {"small": (400, 267), "medium": (800, 533), "large": (1600, 1067)}
    for size, (width, height) in expected.items():
        rendition = image.renditions[size]
        assert (rendition["width"], rendition["height"]) == (width, height)
        stored = open_stored(rendition["name"])
        assert stored.format == "WEBP" and stored.size == (width, height)


def test_renditions_never_upscale_a_small_photo(product):
    image = add(product, image_bytes("PNG", size=(300, 500)))
    product_image_renditions_make(image_id=image.pk)
    image.refresh_from_db()
    sizes = {size: (r["width"], r["height"]) for size, r in image.renditions.items()}
    assert sizes == {"small": (240, 400), "medium": (300, 500), "large": (300, 500)}


def test_the_upload_queues_its_renditions_task_in_its_transaction(product):
    image = add(product)
    task = DBTaskResult.objects.get()
    assert task.task_path == "catalog.tasks.product_image_renditions"
    assert task.args_kwargs["kwargs"] == {"image_id": image.pk}


def test_the_worker_makes_the_renditions_once(product):
    image = add(product)
    assert product_image_renditions.call(image_id=image.pk) is True
    image.refresh_from_db()
    made = dict(image.renditions)
    assert product_image_renditions.call(image_id=image.pk) is False  # a retry: no change
    image.refresh_from_db()
    assert image.renditions == made
    assert len(stored_files()) == 4


def test_the_queued_task_row_runs_the_renditions(product):
    # What the worker does with a claimed row: import the task it names and call it with
    # the stored arguments. (Not `db_worker --batch` itself: it needs a transactional
    # test, whose flush broke later PostgreSQL tests of the suite.)
    image = add(product)
    queued = DBTaskResult.objects.get()
    result = queued.task.call(*queued.task_result.args, **queued.task_result.kwargs)
    assert result is True
    image.refresh_from_db()
    assert set(image.renditions) == set(imaging.RENDITIONS)


def test_renditions_of_a_photo_deleted_meanwhile_are_not_kept(product):
    image = add(product)
    ProductImage.objects.filter(pk=image.pk).delete()
    assert product_image_renditions_make(image_id=image.pk) is False
    assert stored_files() == [image.original]  # the row's own file: photos_cleanup's job


def test_photos_are_numbered_in_order_and_can_be_placed(product):
    first, second = add(product), add(product)
    third = add(product, position=0)
    order = list(product.images.order_by("position").values_list("pk", "position"))
    assert order == [(third.pk, 0), (first.pk, 1), (second.pk, 2)]
    assert add(product, position=99).position == 3  # past the end: last


def test_moving_a_photo_shifts_the_others(product):
    a, b, c = add(product), add(product), add(product)
    product_image_update(image=c, position=0)
    assert list(product.images.order_by("position").values_list("pk", flat=True)) == [
        c.pk,
        a.pk,
        b.pk,
    ]
    product_image_update(image=c, position=2, alt="Side view")
    c.refresh_from_db()
    assert (c.position, c.alt) == (2, "Side view")
    assert list(product.images.values_list("position", flat=True).order_by("position")) == [
        0,
        1,
        2,
    ]


def test_the_database_refuses_two_photos_in_one_place(product):
    image = add(product)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductImage.objects.create(
            product=product, position=image.position, original="x.jpg", width=1, height=1
        )


def test_deleting_a_photo_removes_its_files_after_commit(
    product, django_capture_on_commit_callbacks
):
    keep, gone = add(product), add(product)
    product_image_renditions_make(image_id=gone.pk)
    gone.refresh_from_db()
    assert len(stored_files()) == 5
    with django_capture_on_commit_callbacks(execute=True):
        product_image_delete(image=gone)
    assert stored_files() == [keep.original]
    keep.refresh_from_db()
    assert keep.position == 0


def test_a_rolled_back_photo_deletion_keeps_the_files(product, django_capture_on_commit_callbacks):
    image = add(product)
    image_id = image.pk
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            product_image_delete(image=image)
            transaction.set_rollback(True)
    assert ProductImage.objects.filter(pk=image_id).exists()
    assert stored_files() == [image.original]


def test_deleting_a_product_removes_its_photos_files(product, django_capture_on_commit_callbacks):
    image = add(product)
    product_image_renditions_make(image_id=image.pk)
    other = add(ProductFactory())
    with django_capture_on_commit_callbacks(execute=True):
        assert product_delete(product=product) is True
    assert stored_files() == [other.original]


def test_a_product_kept_for_its_orders_keeps_its_photos(product, customer):
    image = add(product)
    place_order(user=customer, products=[product])
    assert product_delete(product=product) is False
    assert stored_files() == [image.original]


def test_photos_cleanup_lists_orphans_and_deletes_only_when_asked(product):
    image = add(product)
    orphan = default_storage.save("photos/ab/orphan.jpg", io.BytesIO(image_bytes()))
    out = StringIO()
    call_command("photos_cleanup", "--min-age-hours", "0", stdout=out)
    assert orphan in out.getvalue() and "1 orphaned file(s) found (dry run" in out.getvalue()
    assert default_storage.exists(orphan)
    call_command("photos_cleanup", "--min-age-hours", "0", "--delete", stdout=StringIO())
    assert stored_files() == [image.original]


def test_photos_cleanup_leaves_a_fresh_file_alone(product):
    orphan = default_storage.save("photos/cd/just-uploaded.jpg", io.BytesIO(image_bytes()))
    call_command("photos_cleanup", "--delete", stdout=StringIO())  # default: 1 hour
    assert default_storage.exists(orphan)


def test_photos_renditions_command_catches_up(product):
    add(product)
    add(product)
    out = StringIO()
    call_command("photos_renditions", stdout=out)
    assert "Renditions made for 2 photo(s)." in out.getvalue()
    assert not ProductImage.objects.filter(renditions={}).exists()
