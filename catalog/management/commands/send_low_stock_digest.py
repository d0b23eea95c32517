"""`manage.py send_low_stock_digest`: the daily email to staff of products low in stock
(cron it). Safe to run twice a day; nothing is sent when nothing is low."""

from django.core.management.base import BaseCommand

from catalog.services import low_stock_digest_send


class Command(BaseCommand):
    help = "Email staff (SHOP_STAFF_EMAILS) the active products low in stock, once a day."

    def handle(self, *args, **options):
        digest = low_stock_digest_send()
        low = f"{digest.low} product{'' if digest.low == 1 else 's'} low in stock"
        if digest.sent:
            self.stdout.write(f"{low}: digest queued for staff.")
        else:
            self.stdout.write(f"{low}: no digest sent ({digest.reason}).")
