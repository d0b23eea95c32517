"""Second factors of staff users: a TOTP device (an authenticator app, enrolled with a
QR code) and a set of one-time backup codes. Each write is one transaction."""

from io import BytesIO

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from petshop.core.exceptions import InvalidInput

BACKUP_CODE_COUNT = 10
TOTP_NAME, BACKUP_NAME = "authenticator", "backup codes"


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def totp_device_start(*, user) -> TOTPDevice:
    """The device being enrolled: an unconfirmed TOTP device with a fresh secret (one
    at a time; a new start replaces an abandoned one). Not used until confirmed."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def pending_totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def totp_qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// URL as an inline SVG QR code (no request to elsewhere,
    nothing for the Content-Security-Policy to refuse)."""
    out = BytesIO()
    qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage).save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :]  # without the XML declaration, to inline it


@transaction.atomic
def totp_device_confirm(*, user, token: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the enrolment with a code from the app: the new device replaces any
    earlier one, and a fresh set of backup codes is issued (returned, shown once).
    A wrong code → InvalidInput on `token`, nothing changed."""
    device = pending_totp_device(user)
    if device is None:
        raise InvalidInput("Start the enrolment again.", field="token")
    if not device.verify_token(token.strip()):
        raise InvalidInput("That code is not right. Check the time on your phone.", field="token")
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device, backup_codes_regenerate(user=user)


@transaction.atomic
def backup_codes_regenerate(*, user) -> list[str]:
    """Ten new one-time backup codes; the old ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def second_factor_verify(*, user, token: str):
    """The device that accepts `token` (the authenticator's code, or a backup code, which
    is then used up), or None. django-otp's own per-device throttling applies."""
    token = token.strip().replace(" ", "")
    devices = [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *StaticDevice.objects.filter(user=user, confirmed=True),
    ]
    for device in devices:
        verified = verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified
    return None


@transaction.atomic
def two_factor_reset(*, user) -> None:
    """Forget every second factor of `user` (a lost phone): they enrol again at their
    next admin visit. Staff do it for each other from the admin."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
