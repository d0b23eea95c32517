"""Writes to the outbox. `email_queue` is called from inside the business services (order
placed, return approved...), so the email row and its send task are written in the same
transaction as the change: a rollback sends nothing, a commit always gets its email."""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from notifications.models import Email, EmailStatus
from notifications.rendering import RenderedEmail, render_email
from notifications.tasks import emails_with_live_send_task, enqueue_send


def email_queue(
    *,
    to: list[str] | str,
    subject: str,
    template: str,
    context: dict,
    event: str,
    related: models.Model | None = None,
    key: str | None = None,
) -> Email | None:
    """Render `templates/emails/<template>.txt/.html` and put the email in the outbox.

    With a `key`, the email goes out at most once for it (an overdue reminder, a day's
    digest): if one with that key exists already, nothing is queued and None is returned.
    No recipient (a staff list left empty) → nothing is queued either.

    Called inside the business service's transaction; called outside one, the email and
    its task are written in a transaction of their own."""
    if not _recipients(to):
        return None
    if key is not None and Email.objects.filter(key=key).exists():
        return None
    return email_queue_rendered(
        to=to,
        rendered=render_email(template, context, subject=subject),
        event=event,
        related=related,
        key=key,
    )


def _recipients(to: list[str] | str) -> list[str]:
    recipients = [to] if isinstance(to, str) else list(to)
    return [address for address in recipients if address]


def email_queue_rendered(
    *,
    to: list[str] | str,
    rendered: RenderedEmail,
    event: str,
    related: models.Model | None = None,
    key: str | None = None,
) -> Email | None:
    """The outbox write of `email_queue`, for an email rendered already (render_email):
    two inserts, the email and its send task, in the caller's transaction."""
    recipients = _recipients(to)
    if not recipients:
        return None
    email = Email(
        to=", ".join(recipients),
        from_email=settings.DEFAULT_FROM_EMAIL,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        event=event,
        key=key,
        related_type=ContentType.objects.get_for_model(related) if related is not None else None,
        related_id=related.pk if related is not None else None,
    )
    # No savepoints (each one a round trip, and this runs inside checkout's locks): two
    # inserts, in the caller's transaction. Only a keyed email may lose a race on its
    # unique key, so only it gets a savepoint to recover from that.
    with transaction.atomic(savepoint=False):
        if key is None:
            email.save()
        else:
            try:
                with transaction.atomic():
                    email.save()
            except IntegrityError:
                if Email.objects.filter(key=key).exists():
                    return None  # the same keyed email, queued meanwhile by a concurrent run
                raise
        enqueue_send(email.pk)
    return email


@transaction.atomic
def email_resend(*, email: Email) -> Email:
    """Staff's "resend": the email goes back to the queue and is sent again by the worker,
    whatever its status (a failed one after fixing the mail server, a sent one on request)."""
    email = Email.objects.select_for_update().get(pk=email.pk)
    email.status = EmailStatus.QUEUED
    email.save(update_fields=["status", "updated_at"])
    enqueue_send(email.pk)
    return email


@transaction.atomic
def emails_requeue_stuck(*, minutes: int) -> int:
    """Queue a send task again for every email still queued after `minutes` that no task
    will send any more: its worker was killed in the middle of it (the task row stays
    "running" for ever), or, with a queue outside the database, the hand-over after the
    commit was lost. A duplicate task is harmless (the send task sends a row once).
    Returns how many were queued again."""
    since = timezone.now() - timedelta(minutes=minutes)
    stuck = list(
        Email.objects.select_for_update(skip_locked=True)
        .filter(status=EmailStatus.QUEUED, updated_at__lt=since)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not stuck:
        return 0
    live = emails_with_live_send_task(since=since) or set()
    orphans = [pk for pk in stuck if pk not in live]
    for pk in orphans:
        enqueue_send(pk)
    Email.objects.filter(pk__in=orphans).update(updated_at=timezone.now())
    return len(orphans)
