"""The project's own rows. Only the demo's marker lives here: the apps own the rest."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class DemoUser(models.Model):
    """A user `seed_demo` created. The demo may reset such a user's published password
    and roles on every run; a user without this marker (a real customer or member of
    staff who happens to be called `admin` or `alice`) is never touched by it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="demo_marker",
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"demo user #{self.user_id}"
