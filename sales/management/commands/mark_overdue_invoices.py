"""`manage.py mark_overdue_invoices`: the daily job (cron it). Safe to run twice."""

from django.core.management.base import BaseCommand

from sales.services import invoices_mark_overdue


class Command(BaseCommand):
    help = "Mark pending invoices past their due date as overdue, and say how many."

    def handle(self, *args, **options):
        count = invoices_mark_overdue()
        self.stdout.write(f"{count} invoice{'' if count == 1 else 's'} marked overdue.")
