"""Sign-in rules: lockout after repeated failures, and the second factor (TOTP) for non-demo users.

Lockout is a small counted service rather than django-axes: it counts failures per username (real or
not, so a lockout reveals nothing) and per client address (``client_address``), needs no authentication
backend or middleware of its own, and a successful sign-in resets the username's count. Limits are
``MISPER_SIGNIN_MAX_FAILURES`` (per username), ``MISPER_SIGNIN_MAX_FAILURES_PER_ADDRESS`` and
``MISPER_SIGNIN_LOCK_MINUTES``.
"""

from __future__ import annotations

import base64
import io
from datetime import datetime, timedelta

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_noop
from django_otp.plugins.otp_totp.models import TOTPDevice

from misper.accounts.models import EnrolmentGrant, SignInThrottle, User
from misper.audit.services import access_record

# Marked for the Welsh catalogue; the pages show them through gettext.
LOCKED_MESSAGE = gettext_noop("Too many failed attempts. Wait 15 minutes, then try again.")
WRONG_CODE = gettext_noop("Enter the 6-digit code shown in your authenticator app")
DEVICE_NAME = "Authenticator app"


def _user_key(username: str) -> str:
    return "user:" + (username or "").strip().lower()[:140]


def _address_key(address: str) -> str:
    return "address:" + (address or "unknown")[:64]


def client_address(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, unless ``MISPER_CLIENT_ADDRESS_HEADER`` names the header a
    trusted reverse proxy sets (then the last address in it: the one that proxy saw)."""
    header = settings.MISPER_CLIENT_ADDRESS_HEADER
    if header:
        last = request.headers.get(header, "").split(",")[-1].strip()
        if last:
            return last[:64]
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def signin_locked(username: str, address: str) -> bool:
    """True while ``username`` or the client ``address`` is locked out after too many failures."""
    keys = [_user_key(username), _address_key(address)]
    return SignInThrottle.objects.filter(username__in=keys, locked_until__gt=timezone.now()).exists()


def _count(key: str, limit: int, now: datetime, window: timedelta) -> bool:
    row, _ = SignInThrottle.objects.select_for_update().get_or_create(username=key)
    if row.first_failure_at is None or row.first_failure_at < now - window:
        row.failures, row.first_failure_at = 0, now
    row.failures += 1
    locked = row.failures >= limit
    if locked:
        row.locked_until = now + window
    row.save()
    return locked


@transaction.atomic
def signin_failure_record(username: str, address: str) -> bool:
    """Count one failed attempt (password or code) against the username and against the client address
    (password spraying: a few tries at each of many usernames). Returns True when this failure locks
    either. Failures older than the lock period are forgotten."""
    now = timezone.now()
    window = timedelta(minutes=settings.MISPER_SIGNIN_LOCK_MINUTES)
    by_user = _count(_user_key(username), settings.MISPER_SIGNIN_MAX_FAILURES, now, window)
    by_address = _count(_address_key(address), settings.MISPER_SIGNIN_MAX_FAILURES_PER_ADDRESS, now, window)
    return by_user or by_address


def signin_success_record(username: str) -> None:
    """A full sign-in clears the username's failures (not the address's: one known password must not
    reset a spraying count)."""
    SignInThrottle.objects.filter(username=_user_key(username)).delete()


@transaction.atomic
def signin_record(*, user: User, how: str, request: HttpRequest) -> None:
    """A completed sign-in, whatever the way (password and code, or single sign-on): clears the
    username's failures and writes one ``sign-in`` access event saying how."""
    signin_success_record(user.username)
    access_record(
        user=user,
        action="sign-in",
        record_type="user",
        record_ids=[user.pk],
        purpose=f"sign-in: {how}"[:200],
        request=request,
    )


def second_factor_needed(user: User) -> bool:
    """Every user needs a second factor, except demo users while the service runs in demo mode."""
    return not (settings.DEMO_MODE and user.is_demo)


def totp_confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def _open_grants(user: User) -> QuerySet[EnrolmentGrant]:
    return EnrolmentGrant.objects.filter(
        user=user, used_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=timezone.now()
    )


def enrolment_allowed(user: User) -> bool:
    """Only an account with no confirmed authenticator and an open one-time enrolment grant may enrol:
    enrolment never stands in for the code of a device the account already has."""
    return totp_confirmed_device(user) is None and _open_grants(user).exists()


@transaction.atomic
def totp_enrolment_device(user: User) -> TOTPDevice:
    """The user's unconfirmed authenticator (created once, reused until confirmed). Call only after
    ``enrolment_allowed``."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def _digits(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isdigit())


def totp_verify(user: User, code: str) -> TOTPDevice | None:
    """The confirmed device that accepts ``code``, or None. django-otp's ``verify_token`` locks the
    device row and refuses a code at or before the last one accepted, so a code works once."""
    device = totp_confirmed_device(user)
    code = _digits(code)
    if device is None or len(code) != 6:
        return None
    verified = django_otp.verify_token(user, device.persistent_id, code)
    return verified if isinstance(verified, TOTPDevice) else None


@transaction.atomic
def totp_enrol_confirm(user: User, code: str) -> TOTPDevice | None:
    """Confirm the user's new authenticator with ``code`` and use up their enrolment grant, in one
    transaction (logged). None, with nothing confirmed, when the account already has a confirmed
    device, has no open grant, or the code is wrong."""
    grant = _open_grants(user).select_for_update().order_by("pk").first()
    if grant is None or totp_confirmed_device(user) is not None:
        return None
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    code = _digits(code)
    if device is None or len(code) != 6 or not device.verify_token(code):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    grant.used_at = timezone.now()
    grant.save(update_fields=["used_at"])
    access_record(
        user=user,
        action="enrol",
        record_type="user",
        record_ids=[user.pk],
        purpose=f"sign-in: authenticator set up with enrolment grant {grant.pk}",
    )
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
