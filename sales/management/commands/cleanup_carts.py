"""`manage.py cleanup_carts --days N`: drop carts nobody has touched for N days."""

from django.core.management.base import BaseCommand, CommandError

from sales.services import carts_cleanup


class Command(BaseCommand):
    help = "Delete carts (a user's or a visitor's) untouched for --days days, and say how many."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="age in days (default 30)")

    def handle(self, *args, days: int, **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        count = carts_cleanup(days=days)
        self.stdout.write(
            f"{count} cart{'' if count == 1 else 's'} untouched for {days} days deleted."
        )
