"""The outbox and its send task: written with the business change, sent once, retried
with backoff, given up after EMAIL_MAX_ATTEMPTS."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from notifications.models import Email, EmailStatus
from notifications.services import email_queue, email_resend
from notifications.tasks import retry_delay, send_email

pytestmark = pytest.mark.django_db


def queue_test_email(**overrides):
    fields = {
        "to": ["rex@example.com"],
        "subject": "Hello Rex",
        "template": "test_message",
        "context": {"name": "Rex"},
        "event": "test",
    }
    fields.update(overrides)
    return email_queue(**fields)


def send_tasks():
    return DBTaskResult.objects.filter(task_path="notifications.tasks.send_email")


def test_queueing_writes_the_email_and_its_send_task_together():
    email = queue_test_email()

    assert email.status == EmailStatus.QUEUED
    assert email.to == "rex@example.com"
    assert "Hello Rex," in email.body_text and "Hello Rex," in email.body_html
    task = send_tasks().get()
    assert task.args_kwargs == {"args": [email.pk], "kwargs": {}}


def test_a_rolled_back_change_leaves_neither_email_nor_task(mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_test_email()
        raise RuntimeError("the order failed after the email was queued")

    assert not Email.objects.exists()
    assert not send_tasks().exists()
    assert mailoutbox == []


def test_the_task_sends_a_multipart_email_and_records_it(mailoutbox, settings):
    settings.DEFAULT_FROM_EMAIL = "Shop <shop@example.com>"
    email = queue_test_email(to=["a@example.com", "b@example.com"])

    assert send_email.call(email.pk) == EmailStatus.SENT

    [message] = mailoutbox
    assert message.to == ["a@example.com", "b@example.com"]
    assert message.subject == "Hello Rex"
    assert message.from_email == "Shop <shop@example.com>"
    assert "This is a test message" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html" and "<p" in html
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 1)
    assert email.sent_at is not None


def test_a_second_run_after_a_successful_send_sends_nothing(mailoutbox):
    email = queue_test_email()
    send_email.call(email.pk)

    assert send_email.call(email.pk) == EmailStatus.SENT

    assert len(mailoutbox) == 1
    email.refresh_from_db()
    assert email.attempts == 1


def test_a_refused_send_is_recorded_and_retried_later_with_backoff(mailoutbox, settings):
    settings.EMAIL_BACKEND = "notifications.tests.backends.RefusingBackend"
    settings.EMAIL_RETRY_SECONDS = 60
    email = queue_test_email()
    first_task = send_tasks().get()

    before = timezone.now()
    assert send_email.call(email.pk) == EmailStatus.QUEUED

    email.refresh_from_db()
    assert email.attempts == 1
    assert "SMTPDataError" in email.last_error and "temporarily unavailable" in email.last_error
    retry = send_tasks().exclude(pk=first_task.pk).get()
    assert retry.args_kwargs["args"] == [email.pk]
    assert retry.run_after >= before + timedelta(seconds=60)
    assert mailoutbox == []


def test_backoff_doubles_and_is_capped_at_an_hour(settings):
    settings.EMAIL_RETRY_SECONDS = 60
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert retry_delay(20) == timedelta(hours=1)


def test_after_the_last_attempt_the_email_is_failed_and_not_retried(settings, mailoutbox):
    settings.EMAIL_BACKEND = "notifications.tests.backends.RefusingBackend"
    settings.EMAIL_MAX_ATTEMPTS = 3
    email = queue_test_email()

    statuses = [send_email.call(email.pk) for _ in range(3)]

    assert statuses == [EmailStatus.QUEUED, EmailStatus.QUEUED, EmailStatus.FAILED]
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.FAILED, 3)
    assert send_tasks().count() == 3  # the first task and two retries, no fourth
    assert send_email.call(email.pk) == EmailStatus.FAILED  # a stray task sends nothing
    assert mailoutbox == []


def test_resend_puts_a_failed_email_back_in_the_queue(settings, mailoutbox):
    settings.EMAIL_BACKEND = "notifications.tests.backends.RefusingBackend"
    settings.EMAIL_MAX_ATTEMPTS = 1
    email = queue_test_email()
    send_email.call(email.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    email_resend(email=email)

    assert send_tasks().count() == 2
    assert send_email.call(email.pk) == EmailStatus.SENT
    assert len(mailoutbox) == 1


def test_a_keyed_email_is_queued_once():
    first = queue_test_email(key="invoice-overdue:1")
    second = queue_test_email(key="invoice-overdue:1")

    assert first is not None and second is None
    assert Email.objects.count() == 1
    assert send_tasks().count() == 1


def test_no_recipient_queues_nothing():
    assert queue_test_email(to=[]) is None
    assert queue_test_email(to=[""]) is None
    assert not Email.objects.exists()


def test_the_email_remembers_what_it_is_about(customer):
    email = queue_test_email(related=customer)

    assert Email.objects.get(pk=email.pk).related == customer


def test_a_missing_email_is_skipped_quietly(mailoutbox):
    assert send_email.call(987654) == "missing"
    assert mailoutbox == []


def test_links_are_absolute_from_shop_base_url(settings):
    from notifications.rendering import absolute_url

    settings.SHOP_BASE_URL = "https://shop.example.com/"
    assert absolute_url("/orders/7/") == "https://shop.example.com/orders/7/"


def test_a_backend_outside_the_database_gets_the_task_only_after_commit(
    settings, django_capture_on_commit_callbacks
):
    """Switching to RQ is configuration: such a backend is handed the task after the
    commit, never for a row its worker could not see yet."""
    from django_tasks import task_backends

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = task_backends["default"]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        email = queue_test_email()
        assert backend.results == []

    assert len(callbacks) == 1
    [result] = backend.results
    assert result.args == [email.pk]
    assert not send_tasks().exists()


def test_healthz_reports_no_queue_for_a_backend_outside_the_database(settings, client):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

    body = client.get("/healthz").json()

    assert body["status"] == "ok" and body["tasks"] is None


def _age(email, minutes):
    Email.objects.filter(pk=email.pk).update(updated_at=timezone.now() - timedelta(minutes=minutes))


def test_an_email_whose_worker_died_mid_send_is_queued_again(mailoutbox):
    from django.core.management import call_command
    from django_tasks_db.compat import TaskResultStatus

    email = queue_test_email()
    # A worker claimed the task and was killed: the task row stays "running" for ever.
    send_tasks().update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - timedelta(hours=1)
    )
    _age(email, 60)

    call_command("requeue_stuck_emails", "--minutes", "15")

    ready = send_tasks().filter(status=TaskResultStatus.READY).get()
    assert ready.args_kwargs["args"] == [email.pk]
    assert send_email.call(email.pk) == EmailStatus.SENT
    assert len(mailoutbox) == 1


def test_an_email_with_a_task_still_to_run_is_left_alone():
    from notifications.services import emails_requeue_stuck

    waiting = queue_test_email()  # its task is ready: the worker is only behind
    _age(waiting, 60)
    retrying = queue_test_email(to=["later@example.com"])
    send_tasks().filter(args_kwargs__args=[retrying.pk]).delete()
    send_email.using(run_after=timezone.now() + timedelta(minutes=30)).enqueue(retrying.pk)
    _age(retrying, 60)
    recent = queue_test_email(to=["recent@example.com"])
    send_tasks().filter(args_kwargs__args=[recent.pk]).delete()  # orphan, but not yet stale

    assert emails_requeue_stuck(minutes=15) == 0
    assert send_tasks().count() == 2


def test_requeueing_twice_queues_one_task():
    from notifications.services import emails_requeue_stuck

    email = queue_test_email()
    send_tasks().delete()  # the hand-over was lost (a queue outside the database)
    _age(email, 60)

    assert emails_requeue_stuck(minutes=15) == 1
    _age(email, 60)
    assert emails_requeue_stuck(minutes=15) == 0
    assert send_tasks().count() == 1


def test_queueing_a_rendered_email_is_two_inserts_in_the_callers_transaction(
    django_assert_num_queries,
):
    """It runs inside checkout, under the invoice counter's lock: no savepoints."""
    from notifications.rendering import render_email
    from notifications.services import email_queue_rendered

    rendered = render_email("test_message", {"name": "Rex"}, subject="Hi")
    with transaction.atomic(), django_assert_num_queries(2):
        email_queue_rendered(to=["rex@example.com"], rendered=rendered, event="test")
