"""The outbox's part of U9 export and U10 erase (accounts/personal_data.py)."""

import pytest
from django.utils import timezone

from accounts.services import user_erase, user_export
from notifications.models import Email, EmailStatus
from notifications.personal_data import ERASED_BODY

pytestmark = pytest.mark.django_db


def email(to, status=EmailStatus.SENT, body="Dear Alice, your parcel goes to 1 Dog Lane"):
    return Email.objects.create(
        to=to,
        from_email="shop@example.com",
        subject="Your order",
        body_text=body,
        body_html=f"<p>{body}</p>",
        event="order_placed",
        status=status,
        sent_at=timezone.now() if status == EmailStatus.SENT else None,
    )


def test_the_export_lists_the_emails_sent_to_the_person_only(customer, other_customer):
    mine = email(customer.email.upper())
    email(other_customer.email, body="Dear Bob")
    email("staff@example.com, boss@example.com", body="Staff digest")

    emails = user_export(user=customer)["emails"]

    assert [e["body_text"] for e in emails] == [mine.body_text]


def test_erase_keeps_a_record_of_sent_emails_without_address_or_text(customer, other_customer):
    sent = email(customer.email)
    queued = email(customer.email, status=EmailStatus.QUEUED)
    theirs = email(other_customer.email)

    user_erase(user=customer, check_password=False)

    sent.refresh_from_db()
    assert sent.to == f"erased-{customer.pk}@erased.invalid"
    assert (sent.body_text, sent.body_html) == (ERASED_BODY, "")
    assert not Email.objects.filter(pk=queued.pk).exists()
    theirs.refresh_from_db()
    assert theirs.body_text.startswith("Dear Alice")
