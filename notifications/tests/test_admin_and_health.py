"""Staff see the outbox in the admin and resend from it; /healthz reports the queue."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from notifications.models import Email, EmailStatus
from notifications.services import email_queue
from notifications.tasks import send_email

pytestmark = pytest.mark.django_db


def queue(subject="Hi", to="rex@example.com", event="test"):
    return email_queue(
        to=[to], subject=subject, template="test_message", context={"name": "Rex"}, event=event
    )


@pytest.fixture
def staff(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def test_a_refused_email_is_failed_and_shown_with_its_error_in_the_admin(staff, settings):
    settings.EMAIL_BACKEND = "notifications.tests.backends.RefusingBackend"
    settings.EMAIL_MAX_ATTEMPTS = 2
    failed = queue(subject="Your order PS-1", to="failed@example.com")
    queue(subject="Welcome", to="fine@example.com")
    send_email.call(failed.pk)
    send_email.call(failed.pk)

    page = staff.get(reverse("admin:notifications_email_changelist"), {"status": "failed"})

    assert page.status_code == 200
    assert "failed@example.com" in page.text and "fine@example.com" not in page.text
    detail = staff.get(reverse("admin:notifications_email_change", args=[failed.pk]))
    assert "SMTPDataError" in detail.text and "temporarily unavailable" in detail.text
    assert "Your order PS-1" in detail.text


def test_the_admin_filters_by_event_and_searches_by_address(staff):
    queue(to="alice@example.com", event="order_placed")
    queue(to="bob@example.com", event="welcome")
    url = reverse("admin:notifications_email_changelist")

    by_event = staff.get(url, {"event": "welcome"}).text
    by_search = staff.get(url, {"q": "alice"}).text

    assert "bob@example.com" in by_event and "alice@example.com" not in by_event
    assert "alice@example.com" in by_search and "bob@example.com" not in by_search


def test_the_resend_action_queues_the_selected_emails_again(staff, settings, mailoutbox):
    settings.EMAIL_BACKEND = "notifications.tests.backends.RefusingBackend"
    settings.EMAIL_MAX_ATTEMPTS = 1
    email = queue()
    send_email.call(email.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    response = staff.post(
        reverse("admin:notifications_email_changelist"),
        {"action": "resend", "_selected_action": [email.pk]},
        follow=True,
    )

    assert "1 email queued again" in response.text
    email.refresh_from_db()
    assert email.status == EmailStatus.QUEUED
    send_email.call(email.pk)
    assert len(mailoutbox) == 1


def test_staff_cannot_edit_or_delete_an_email(staff):
    email = queue()
    change = reverse("admin:notifications_email_change", args=[email.pk])

    staff.post(change, {"subject": "changed", "to": "evil@example.com"})

    assert Email.objects.get(pk=email.pk).subject == "Hi"
    assert staff.get(reverse("admin:notifications_email_add")).status_code == 403
    assert (
        staff.post(reverse("admin:notifications_email_delete", args=[email.pk])).status_code == 403
    )


def test_healthz_reports_ready_tasks_and_how_long_the_oldest_waited(client):
    assert client.get("/healthz").json()["tasks"] == {"ready": 0, "oldest_ready_seconds": 0}
    queue()
    queue()
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(seconds=90))
    # A retry deferred to later is not ready yet and does not count.
    send_email.using(run_after=timezone.now() + timedelta(hours=1)).enqueue(1)

    body = client.get("/healthz").json()

    assert body["status"] == "ok"
    assert body["tasks"]["ready"] == 2
    assert 90 <= body["tasks"]["oldest_ready_seconds"] < 120


def test_a_stuck_queue_never_changes_the_health_status(client):
    queue()
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(days=2))

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["tasks"]["oldest_ready_seconds"] >= 2 * 86400


def test_the_email_list_costs_the_same_queries_for_few_or_many(staff, customer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("admin:notifications_email_changelist")
    counts = []
    for batch in (2, 20):
        for i in range(batch):
            email_queue(
                to=[f"c{i}@example.com"],
                subject="Hi",
                template="test_message",
                context={"name": "Rex"},
                event="test",
                related=customer,
            )
        staff.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert staff.get(url).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_an_email_links_to_what_it_is_about(staff, customer):
    email = email_queue(
        to=[customer.email],
        subject="Welcome",
        template="test_message",
        context={"name": "Rex"},
        event="welcome",
        related=customer,
    )
    unrelated = queue()

    page = staff.get(reverse("admin:notifications_email_change", args=[email.pk])).text
    plain = staff.get(reverse("admin:notifications_email_change", args=[unrelated.pk])).text

    assert reverse("admin:accounts_user_change", args=[customer.pk]) in page
    assert f"user #{customer.pk}" in page
    assert "—" in plain
