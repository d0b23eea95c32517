"""Notifications' part of a person's data (see accounts/personal_data.py): the emails
the shop sent (or will send) to the person's address."""

from notifications.models import Email, EmailStatus

ERASED_BODY = "(erased at the recipient's request)"


def _emails_to(user):
    # An email goes to one customer or to the staff list: the customer's are those
    # addressed to exactly their address (any case).
    return Email.objects.filter(to__iexact=user.email)


def export(user) -> dict:
    emails = _emails_to(user).order_by("created_at", "pk")
    return {
        "emails": [
            {
                "subject": email.subject,
                "event": email.event,
                "status": email.status,
                "created_at": email.created_at.isoformat(),
                "sent_at": email.sent_at.isoformat() if email.sent_at else None,
                "body_text": email.body_text,
            }
            for email in emails
        ]
    }


def open_items(user) -> list[str]:
    return []


def erase(user) -> None:
    """Runs before the account's own erase (it still knows the address). Emails not sent
    yet are dropped (nobody is left to read them); sent ones stay as a record that an
    email went out, without the address or the text."""
    emails = _emails_to(user)
    emails.exclude(status=EmailStatus.SENT).delete()
    emails.update(to=f"erased-{user.pk}@erased.invalid", body_text=ERASED_BODY, body_html="")
