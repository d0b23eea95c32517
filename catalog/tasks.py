"""Background tasks of the catalog (Django's Tasks API; run by `manage.py db_worker`)."""

from django_tasks import task

from catalog.photos import product_image_renditions_make


@task()
def product_image_renditions(image_id: int) -> bool:
    """Make a new photo's WebP renditions, off the upload's request."""
    return product_image_renditions_make(image_id=image_id)
