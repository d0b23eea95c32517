"""The audit trail: who changed money or stock state, when, from what to what.

A record points at any object (a product, an invoice, a return) through the content
types framework, so this app sits at the base of the layering (it imports no app) and
every app above records through audit.services. Records are only ever added: nothing in
the shop updates or deletes them, and the admin shows them read-only."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class AuditRecord(models.Model):
    at = models.DateTimeField(default=timezone.now)
    # Who: the signed-in member of staff or customer; empty for the shop itself (the daily
    # job, an import run from the command line).
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    action = models.CharField(max_length=40)
    before = models.JSONField(encoder=DjangoJSONEncoder, default=dict, blank=True)
    after = models.JSONField(encoder=DjangoJSONEncoder, default=dict, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-at"], name="audit_target_at"),
            models.Index(fields=["-at", "-id"], name="audit_at"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(action=""), name="audit_action_named"),
        ]

    def __str__(self):
        return f"{self.action} of {self.content_type.model} #{self.object_id} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every field either side names, in a stable order."""
        names = list(dict.fromkeys([*self.before, *self.after]))
        return [(name, self.before.get(name), self.after.get(name)) for name in names]
