"""Mail backends for tests: a mail server that refuses, and one that is slow."""

import smtplib
import time

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class RefusingBackend(LocmemBackend):
    """The mail server answers every message with a temporary failure."""

    def send_messages(self, messages):
        raise smtplib.SMTPDataError(451, b"4.3.0 Mail server temporarily unavailable")


class SlowBackend(LocmemBackend):
    """Delivers, after a pause long enough for a second worker to arrive meanwhile."""

    def send_messages(self, messages):
        time.sleep(0.3)
        return super().send_messages(messages)
