"""`manage.py requeue_stuck_emails [--minutes N]`: the safety net (cron it every 15
minutes). An email still queued after N minutes with no task left to send it (a worker
killed mid-send) gets a new send task. Safe to run any time, any number of times."""

from django.core.management.base import BaseCommand

from notifications.services import emails_requeue_stuck


class Command(BaseCommand):
    help = "Queue again the emails left queued without a task to send them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--minutes",
            type=int,
            default=15,
            help="How long an email waits before it counts as stuck (default 15).",
        )

    def handle(self, *args, minutes: int, **options):
        count = emails_requeue_stuck(minutes=max(minutes, 1))
        self.stdout.write(f"{count} stuck email{'' if count == 1 else 's'} queued again.")
