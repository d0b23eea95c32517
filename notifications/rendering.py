"""How an email is written: a subject, a plain-text body and an HTML body rendered from
`templates/emails/<name>.txt` and `.html`, with absolute links to the shop."""

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string


def absolute_url(path: str) -> str:
    """`path` (from reverse()) as a link that works from a mail client: SHOP_BASE_URL + path."""
    return settings.SHOP_BASE_URL.rstrip("/") + "/" + path.lstrip("/")


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_email(template: str, context: dict, *, subject: str) -> RenderedEmail:
    context = {
        "shop_name": settings.SHOP_NAME,
        "shop_url": absolute_url("/"),
        "subject": subject,
        **context,
    }
    return RenderedEmail(
        subject=subject,
        text=render_to_string(f"emails/{template}.txt", context).strip() + "\n",
        html=render_to_string(f"emails/{template}.html", context),
    )
