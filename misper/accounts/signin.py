"""Sign-in rules: lockout after repeated failures, and the second factor (TOTP) for non-demo users.

Lockout is a small counted service rather than django-axes: it counts failures per username (real or
not, so a lockout reveals nothing), needs no authentication backend or middleware of its own, and is
reset by a successful sign-in. Limits are ``MISPER_SIGNIN_MAX_FAILURES`` and
``MISPER_SIGNIN_LOCK_MINUTES``.
"""

from __future__ import annotations

import base64
import io
from datetime import timedelta

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from misper.accounts.models import SignInThrottle, User

LOCKED_MESSAGE = "Too many failed attempts. Wait 15 minutes, then try again."
WRONG_CODE = "Enter the 6-digit code shown in your authenticator app"
DEVICE_NAME = "Authenticator app"


def _key(username: str) -> str:
    return (username or "").strip().lower()[:150]


def signin_locked(username: str) -> bool:
    """True while ``username`` is locked out after too many failures."""
    row = SignInThrottle.objects.filter(username=_key(username)).first()
    return bool(row and row.locked_until and row.locked_until > timezone.now())


@transaction.atomic
def signin_failure_record(username: str) -> bool:
    """Count one failed attempt (password or code). Returns True when this failure locks the username.
    Failures older than the lock period are forgotten."""
    now = timezone.now()
    window = timedelta(minutes=settings.MISPER_SIGNIN_LOCK_MINUTES)
    row, _ = SignInThrottle.objects.select_for_update().get_or_create(username=_key(username))
    if row.first_failure_at is None or row.first_failure_at < now - window:
        row.failures, row.first_failure_at = 0, now
    row.failures += 1
    locked = row.failures >= settings.MISPER_SIGNIN_MAX_FAILURES
    if locked:
        row.locked_until = now + window
    row.save()
    return locked


def signin_success_record(username: str) -> None:
    SignInThrottle.objects.filter(username=_key(username)).delete()


def second_factor_needed(user: User) -> bool:
    """Every user needs a second factor, except demo users while the service runs in demo mode."""
    return not (settings.DEMO_MODE and user.is_demo)


def totp_confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def totp_enrolment_device(user: User) -> TOTPDevice:
    """The user's unconfirmed authenticator (created once, reused until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def totp_verify(user: User, code: str, *, enrolling: bool = False) -> TOTPDevice | None:
    """The device that accepts ``code`` (confirming it when ``enrolling``), or None."""
    device = totp_enrolment_device(user) if enrolling else totp_confirmed_device(user)
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if device is None or len(code) != 6 or not device.verify_token(code):
        return None
    if enrolling:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return device


def totp_qr_data_uri(device: TOTPDevice) -> str:
    """The enrolment QR code as an SVG data URI (allowed by the CSP's img-src; no inline script)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buf = io.BytesIO()
    image.save(buf)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode()


def totp_secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for people who type it in instead of scanning."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
