"""`manage.py seed_demo [--products N] [--force]`: a living demo shop, safe to run again.

Refuses to run with DEBUG off (DJANGO_DEBUG=false, i.e. production) unless --force is
given, and even then never touches a user it did not create (see petshop.demo.shop)."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from petshop.core.exceptions import DomainError
from petshop.demo.bulk import products_generate
from petshop.demo.shop import demo_shop_build


class Command(BaseCommand):
    help = (
        "Build the demo shop (users, catalog, orders in every status, invoices, returns). "
        "Idempotent. --products N also adds N generated products in bulk. Refuses to run "
        "with DJANGO_DEBUG=false unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--products", type=int, default=0, metavar="N", help="add N generated products"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="run even with DJANGO_DEBUG=false (users the demo did not create are "
            "still left alone)",
        )

    def handle(self, *args, products: int, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo refuses to run with DJANGO_DEBUG=false: this looks like a real "
                "shop, and the demo publishes its passwords. Pass --force to add the demo "
                "anyway (existing users are left alone)."
            )
        if products < 0:
            raise CommandError("--products must be zero or more.")
        try:
            report = demo_shop_build()
        except DomainError as error:
            # E.g. staff sold out or withdrew a demo product before the demo orders were
            # made. Nothing was written: the build is one transaction.
            raise CommandError(f"The demo shop could not be built: {error.detail}") from error
        self.stdout.write(
            f"Demo shop: {report.users_created} users, {report.products_created} products, "
            f"{report.orders_created} orders, {report.returns_created} returns created; "
            f"{report.overdue_marked} invoice{'' if report.overdue_marked == 1 else 's'} "
            "marked overdue."
        )
        if products:
            added = products_generate(count=products, progress=self._progress)
            self.stdout.write(f"Added {added} generated products.")
        for username in report.users_left_alone:
            self.stdout.write(
                self.style.WARNING(
                    f"  {username}: a user the demo did not create holds this name or its "
                    "email; left alone (no password, role or order changed)."
                )
            )
        if report.users_left_alone:
            self.stdout.write("The demo orders and returns were not made.")
        self.stdout.write(self.style.SUCCESS("Demo logins (password):"))
        for username, password, roles in report.credentials:
            self.stdout.write(f"  {username:<8} {password:<18} {roles}")
        base = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
        self.stdout.write(f"Storefront {base}/  admin {base}/admin/")

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        bar = "#" * filled + "-" * (width - filled)
        # One line redrawn in place on a terminal; plain lines in a log or a pipe.
        end = "\r" if self.stdout.isatty() and done < total else "\n"
        self.stdout.write(f"[{bar}] {done:,}/{total:,} products", ending=end)
        self.stdout.flush()
