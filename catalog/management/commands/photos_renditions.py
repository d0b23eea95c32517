"""`manage.py photos_renditions`: make the renditions every photo still lacks, here and
now (catching up without a worker; the worker's tasks then find them done)."""

from django.core.management.base import BaseCommand

from catalog.photos import product_images_render_pending


class Command(BaseCommand):
    help = "Make the WebP renditions of every product photo that has none yet."

    def handle(self, *args, **options):
        done = product_images_render_pending()
        self.stdout.write(f"Renditions made for {done} photo(s).")
