"""The one task that sends email. Any worker may run it, any number of times, for one
email: it locks the outbox row, sends only while the row is still queued, and records the
outcome in the same transaction, so a retry after a successful send, or a second worker
holding a duplicate task, finds the row sent and does nothing."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from notifications.models import Email, EmailStatus
from petshop.core.tasks import backend_is_transactional, enqueue_on_commit

logger = logging.getLogger(__name__)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after the n-th failed attempt: base, 2×base, 4×base... ≤ 1 hour."""
    seconds = settings.EMAIL_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, 3600))


def build_message(email: Email) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=email.from_email,
        to=email.recipients,
        headers={"X-Petshop-Email-Id": str(email.pk), "X-Petshop-Event": email.event},
    )
    message.attach_alternative(email.body_html, "text/html")
    return message


@task()
def send_email(email_id: int) -> str:
    """Send outbox email `email_id`; returns its status afterwards."""
    with transaction.atomic():
        email = Email.objects.select_for_update().filter(pk=email_id).first()
        if email is None:
            return "missing"
        if email.status != EmailStatus.QUEUED:
            return email.status  # sent already (or given up): never send it twice
        email.attempts += 1
        try:
            build_message(email).send()
        except Exception as exc:  # any transport error: record it, retry or give up
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
                email.status = EmailStatus.FAILED
                logger.error(
                    "email %s failed for good after %s attempts: %s",
                    email.pk,
                    email.attempts,
                    email.last_error,
                )
            else:
                delay = retry_delay(email.attempts)
                logger.warning(
                    "email %s attempt %s failed, retry in %ss: %s",
                    email.pk,
                    email.attempts,
                    int(delay.total_seconds()),
                    email.last_error,
                )
                enqueue_send(email.pk, delay=delay)
        else:
            email.status = EmailStatus.SENT
            email.sent_at = timezone.now()
        email.save(update_fields=["status", "attempts", "last_error", "sent_at", "updated_at"])
        return email.status


def enqueue_send(email_id: int, *, delay: timedelta | None = None) -> None:
    """Queue the send task for one email (after `delay`). With the ORM backend
    (django-tasks-db) the task is a row written in the current transaction; with a backend
    outside the database (RQ...) it is handed over after the commit, so a worker never
    looks for an outbox row that is not committed yet."""
    job = send_email if delay is None else send_email.using(run_after=timezone.now() + delay)
    enqueue_on_commit(job, email_id)


def emails_with_live_send_task(*, since) -> set[int] | None:
    """Ids of the emails a send task will still run for: a ready task (even one deferred
    to later, a retry) or one a worker started after `since`. None when the backend keeps
    its queue outside the database (it cannot be inspected from here)."""
    from django.db.models import Q
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    backend = send_email.get_backend()
    if not backend_is_transactional(backend):
        return None
    live = DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.READY)
        | Q(status=TaskResultStatus.RUNNING, started_at__gte=since),
        task_path=send_email.module_path,
        backend_name=backend.alias,
    ).values_list("args_kwargs", flat=True)
    return {int(call["args"][0]) for call in live if call.get("args")}
