"""`manage.py photos_cleanup [--delete] [--min-age-hours H]`: stored photo files that no
photo row names (an upload whose transaction rolled back, a deletion interrupted...).
A dry run by default: it lists them; --delete removes them."""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from catalog.models import ProductImage
from catalog.photos import PHOTO_FOLDER, files_delete


def _stored_files(folder: str):
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _stored_files(f"{folder}/{sub}")


class Command(BaseCommand):
    help = "List (or with --delete remove) stored photo files that no product photo uses."

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="remove them (default: list)")
        parser.add_argument(
            "--min-age-hours",
            type=float,
            default=1.0,
            help="leave files younger than this alone: an upload in progress has stored "
            "its file before its row commits (default 1)",
        )

    def handle(self, *args, delete: bool, min_age_hours: float, **options):
        if min_age_hours < 0:
            raise CommandError("--min-age-hours must be zero or more.")
        used = ProductImage.objects.all().stored_names()
        cutoff = timezone.now() - timedelta(hours=min_age_hours)
        orphans = [
            name
            for name in _stored_files(PHOTO_FOLDER)
            if name not in used and default_storage.get_modified_time(name) <= cutoff
        ]
        for name in orphans:
            self.stdout.write(name)
        if delete:
            files_delete(orphans)
            self.stdout.write(self.style.SUCCESS(f"{len(orphans)} orphaned file(s) deleted."))
        else:
            self.stdout.write(
                f"{len(orphans)} orphaned file(s) found (dry run: run with --delete to remove)."
            )
