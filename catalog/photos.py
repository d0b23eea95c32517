"""Every write to product photos (admin inline, API C12–C14, seed_demo, CSV import).

Files are written through the default storage only (save, open, delete, url), under
random names. A photo row and the task that makes its renditions are written in one
transaction; files are deleted only after the transaction that forgot them commits, so
a rollback never leaves a row without its file. A file written by a transaction that
then rolls back is an orphan that `manage.py photos_cleanup` finds.
"""

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.db import transaction
from django.db.models import F

from catalog import imaging
from catalog.cache import invalidate_catalog
from catalog.lock_objects import product_lock
from catalog.models import Product, ProductImage

logger = logging.getLogger(__name__)

PHOTO_FOLDER = "photos"
# Added to every position of a product before they are set again, so that the
# (product, position) unique constraint holds after each single UPDATE.
_REORDER_OFFSET = 1_000_000


def _new_name(extension: str) -> str:
    token = uuid.uuid4().hex
    return f"{PHOTO_FOLDER}/{token[:2]}/{token}.{extension}"


def files_delete(names: Iterable[str]) -> None:
    """Delete stored files; a file already gone (or a storage hiccup) is logged, never
    raised: the photo row is gone already, and photos_cleanup catches what is left."""
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:
            logger.warning("could not delete stored file %s", name, exc_info=True)


def _delete_files_on_commit(names: set[str]) -> None:
    if names:
        transaction.on_commit(lambda: files_delete(sorted(names)))


def _lock_product(product: Product) -> None:
    # Serialises photo writes of one product: positions are computed from the rows.
    product_lock(pk=product.pk)


def _renumber(product_id: int, order: list[int]) -> None:
    """Set the positions of the product's photos to 0, 1, 2... in `order` (photo ids)."""
    images = ProductImage.objects.filter(product_id=product_id)
    images.update(position=F("position") + _REORDER_OFFSET)
    for position, image_id in enumerate(order):
        images.filter(pk=image_id).update(position=position)


def _current_order(product_id: int) -> list[int]:
    return list(
        ProductImage.objects.filter(product_id=product_id)
        .order_by("position", "id")
        .values_list("pk", flat=True)
    )


def _place(order: list[int], image_id: int, position: int | None) -> list[int]:
    order = [pk for pk in order if pk != image_id]
    at = len(order) if position is None else max(0, min(position, len(order)))
    order.insert(at, image_id)
    return order


def product_image_add(
    *,
    product: Product,
    file=None,
    prepared: imaging.PreparedImage | None = None,
    alt: str = "",
    position: int | None = None,
) -> ProductImage:
    """Add a photo (`file`, an upload; or `prepared`, already checked by a form) at
    `position` (default: last). Raises ValidationError, storing nothing, when the file
    is not an acceptable image. Its renditions are made by the worker after commit."""
    from catalog.tasks import product_image_renditions  # tasks import this module

    if prepared is None:
        prepared = imaging.image_prepare(file)
    name = default_storage.save(_new_name(prepared.extension), ContentFile(prepared.content))
    try:
        with transaction.atomic():
            _lock_product(product)
            image = ProductImage(
                product=product,
                position=_REORDER_OFFSET * 2,  # placed by _renumber below
                alt=alt,
                original=name,
                width=prepared.width,
                height=prepared.height,
            )
            image.full_clean(exclude=["position"])
            image.save()
            _renumber(product.pk, _place(_current_order(product.pk), image.pk, position))
            image.refresh_from_db(fields=["position"])
            # The task row is written in this transaction (django-tasks-db): no photo
            # without its task, and no task for a photo that never committed.
            product_image_renditions.enqueue(image_id=image.pk)
            invalidate_catalog()
    except BaseException:
        files_delete([name])
        raise
    return image


@transaction.atomic
def product_image_update(
    *, image: ProductImage, alt: str | None = None, position: int | None = None
) -> ProductImage:
    """Relabel and/or move a photo; the others shift so positions stay 0, 1, 2..."""
    _lock_product(image.product)
    if alt is not None:
        image.alt = alt
        image.full_clean(exclude=["position", "product", "original"], validate_constraints=False)
        image.save(update_fields=["alt"])
    if position is not None:
        _renumber(image.product_id, _place(_current_order(image.product_id), image.pk, position))
        image.refresh_from_db(fields=["position"])
    invalidate_catalog()
    return image


@transaction.atomic
def product_image_delete(*, image: ProductImage) -> None:
    """Delete a photo; its files (original and renditions) go once this commits."""
    _lock_product(image.product)
    names = ProductImage.objects.filter(pk=image.pk).stored_names()
    image.delete()
    _renumber(image.product_id, _current_order(image.product_id))
    _delete_files_on_commit(names)
    invalidate_catalog()


def product_images_forget(*, product: Product) -> None:
    """For product_delete, inside its transaction: the product's photo files are
    deleted when (and only if) the product's deletion commits."""
    _delete_files_on_commit(ProductImage.objects.filter(product=product).stored_names())


def product_image_renditions_make(*, image_id: int) -> bool:
    """Make the WebP renditions of one photo (the worker's task). Safe to run twice:
    a photo that has them already, or was deleted meanwhile, is left alone. Returns
    whether renditions were made."""
    image = ProductImage.objects.filter(pk=image_id).first()
    if image is None or image.renditions:
        return False
    with default_storage.open(image.original, "rb") as original:
        made = imaging.renditions_make(original.read())
    stem = image.original.rsplit(".", 1)[0]
    stored = {}
    try:
        for size, rendition in made.items():
            name = default_storage.save(f"{stem}-{size}.webp", ContentFile(rendition.content))
            stored[size] = {"name": name, "width": rendition.width, "height": rendition.height}
        with transaction.atomic():
            updated = ProductImage.objects.filter(pk=image_id, renditions={}).update(
                renditions=stored
            )
            if updated:
                invalidate_catalog()
    except BaseException:
        files_delete(r["name"] for r in stored.values())
        raise
    if not updated:  # deleted, or done by another worker, while these were made
        files_delete(r["name"] for r in stored.values())
    return bool(updated)


def product_images_render_pending(*, limit: int | None = None) -> int:
    """Make the renditions every photo still lacks (seed_demo; catching up without a
    worker). Returns how many photos got them."""
    pending = ProductImage.objects.filter(renditions={}).order_by("pk").values_list("pk", flat=True)
    done = 0
    for image_id in pending[:limit] if limit else pending:
        done += product_image_renditions_make(image_id=image_id)
    return done


# --- reading: what a page or the API shows of a photo, without touching storage ---


@dataclass(frozen=True)
class PhotoView:
    """URLs and sizes of one photo, computed from its stored names (storage.url is a
    string operation for the file system and for public S3 URLs)."""

    id: int
    alt: str
    position: int
    url: str
    width: int
    height: int
    thumbnails: dict  # size -> {url, width, height}; the original until renditions exist
    ready: bool


def photo_view(image: ProductImage) -> PhotoView:
    storage = storages["default"]
    url = storage.url(image.original)
    original = {"url": url, "width": image.width, "height": image.height}
    thumbnails = {
        size: (
            {
                "url": storage.url(image.renditions[size]["name"]),
                "width": image.renditions[size]["width"],
                "height": image.renditions[size]["height"],
            }
            if size in (image.renditions or {})
            else original
        )
        for size in imaging.RENDITIONS
    }
    return PhotoView(
        id=image.pk,
        alt=image.alt,
        position=image.position,
        url=url,
        width=image.width,
        height=image.height,
        thumbnails=thumbnails,
        ready=bool(image.renditions),
    )


# The columns photo_card_data needs, for reads that skip model instances (pages).
CARD_COLUMNS = ("id", "alt", "original", "width", "height", "renditions")


def photo_card_data(
    *, id: int, alt: str, original: str, width: int, height: int, renditions: dict
) -> dict:
    """A photo as the storefront's templates use it (a plain dict: it is cached): each
    size's {url, width, height} and the srcset, from the stored names alone. Until the
    renditions exist every size is the original, with its own dimensions."""
    storage = storages["default"]  # the storage itself, not the lazy default_storage proxy
    if renditions:
        sizes = {
            size: {
                "url": storage.url(renditions[size]["name"]),
                "width": renditions[size]["width"],
                "height": renditions[size]["height"],
            }
            for size in imaging.RENDITIONS
        }
        srcset = ", ".join(f"{r['url']} {r['width']}w" for r in sizes.values())
    else:
        fallback = {"url": storage.url(original), "width": width, "height": height}
        sizes = dict.fromkeys(imaging.RENDITIONS, fallback)
        srcset = ""
    return {"id": id, "alt": alt, "srcset": srcset, **sizes}
