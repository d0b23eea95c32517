"""The outbox: one row per email the shop sends, written in the same transaction as the
business change it reports, and sent by the background worker (notifications.tasks)."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q


class EmailStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Email(models.Model):
    # Recipients, comma-separated (an email goes to one customer, or to the staff list).
    to = models.CharField(max_length=1000)
    from_email = models.CharField(max_length=254)
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField()
    # What happened ("order_placed", "return_approved"...): each app names its events.
    event = models.CharField(max_length=50, db_index=True)
    # Set for an email that must go out at most once for its event (an overdue reminder,
    # the day's low stock digest): a second attempt to queue it is a no-op.
    key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    # The object the email is about (an order, an invoice, a return, a user), if any.
    related_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    related_id = models.PositiveBigIntegerField(null=True, blank=True)
    related = GenericForeignKey("related_type", "related_id")

    status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Last change (queued, attempted, resent): how long a queued email has waited.
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["related_type", "related_id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=EmailStatus.values), name="email_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=EmailStatus.SENT, sent_at__isnull=False)
                | ~Q(status=EmailStatus.SENT),
                name="email_sent_has_sent_at",
            ),
            models.CheckConstraint(condition=~Q(to=""), name="email_has_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"

    @property
    def recipients(self) -> list[str]:
        return [address.strip() for address in self.to.split(",") if address.strip()]
