"""Writes for agencies, users and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from misper.accounts.models import Agency, AgencyKind, ApiToken, EnrolmentGrant, Role, User
from misper.accounts.selectors import TOKEN_NOT_YOURS, can_manage_api_token
from misper.audit.services import access_record

TOKEN_PREFIX = "msp_"


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    raw: str  # shown once, never stored
    token: ApiToken


@transaction.atomic
def api_token_issue(
    *, user: User, label: str = "", issued_by: str = "", days: int | None = None
) -> IssuedToken:
    """Create a bearer token for ``user`` that expires after ``days`` (default ``MISPER_API_TOKEN_DAYS``).
    Only its digest is kept. Logged as an ``issue`` access event on the token."""
    days = settings.MISPER_API_TOKEN_DAYS if days is None else days
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        digest=token_digest(raw),
        label=label[:100],
        expires_at=timezone.now() + timedelta(days=days),
    )
    access_record(
        user=None,
        action="issue",
        record_type="api_token",
        record_ids=[token.pk],
        purpose=f"API token for {user.username} issued by {issued_by or 'misper'}"[:200],
    )
    return IssuedToken(raw=raw, token=token)


def api_token_create(*, user: User, label: str = "") -> str:
    """A new bearer token for ``user`` (the raw value): ``api_token_issue`` for callers that need only it."""
    return api_token_issue(user=user, label=label).raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, acting_user: User | None, revoked_by: str = "") -> ApiToken:
    """Revoke ``token`` (from the next request on it is refused with 401). ``acting_user`` must be the
    token's holder or an administrator of the holder's agency (``can_manage_api_token``); None is the
    command line. Revoking a revoked token changes nothing. Logged as a ``revoke`` access event."""
    if acting_user is not None and not can_manage_api_token(acting_user, token):
        raise PermissionDenied(TOKEN_NOT_YOURS)
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    by = revoked_by or (acting_user.username if acting_user is not None else "command line")
    token.revoked_at, token.revoked_by = timezone.now(), by[:150]
    token.save(update_fields=["revoked_at", "revoked_by"])
    access_record(
        user=acting_user,
        action="revoke",
        record_type="api_token",
        record_ids=[token.pk],
        purpose=f"API token of {token.user.username} revoked by {by}"[:200],
    )
    return token


def _may_use_api(user: User) -> bool:
    """Disabled users, and users whose agency link was removed or whose agency is disabled, are refused
    on their next request."""
    if not user.is_active:
        return False
    return user.is_superuser or (user.agency is not None and user.agency.active)


TOKEN_USE_GRANULARITY = timedelta(minutes=1)


def api_token_user(raw: str) -> User | None:
    """The active user a bearer token belongs to, or None (unknown, revoked or expired token)."""
    token = (
        ApiToken.objects.select_related("user", "user__agency")
        .filter(digest=token_digest(raw), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not _may_use_api(token.user):
        return None
    now = timezone.now()
    # Recorded to the minute: a write (and a commit) on every API read would cost more than the read.
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_USE_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def second_factor_reset(
    *, user: User, acting_user: User | None, granted_by: str, reason: str = EnrolmentGrant.Reason.RESET
) -> EnrolmentGrant:
    """Remove ``user``'s authenticators, withdraw any grant still open, and grant one enrolment that
    expires after ``MISPER_ENROLMENT_GRANT_HOURS``: at their next sign-in (password first) they set up
    a new authenticator, once. For a new account (``reason`` new_account) there is nothing to remove.
    Logged as an access event on the user record, naming who granted it (``granted_by``: an
    administrator's username, or the command line)."""
    now = timezone.now()
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    EnrolmentGrant.objects.filter(user=user, used_at__isnull=True, withdrawn_at__isnull=True).update(
        withdrawn_at=now
    )
    grant = EnrolmentGrant.objects.create(
        user=user,
        reason=reason,
        granted_by=granted_by[:150],
        expires_at=now + timedelta(hours=settings.MISPER_ENROLMENT_GRANT_HOURS),
    )
    access_record(
        user=acting_user,
        action="reset-2fa",
        record_type="user",
        record_ids=[user.pk],
        purpose=f"enrolment grant {grant.pk} by {granted_by}; {removed} authenticator(s) removed"[:200],
    )
    return grant


@dataclass(frozen=True)
class DemoPersona:
    username: str
    role: str
    agency: str  # "force", "local_authority" or "national"
    first_name: str
    last_name: str
    team: str = ""


DEMO_PERSONAS: tuple[DemoPersona, ...] = (
    DemoPersona("demo-calltaker", Role.CALL_HANDLER, "force", "Casey", "Calltaker", "Control room, B shift"),
    DemoPersona("demo-officer", Role.INVESTIGATING_OFFICER, "force", "Owen", "Officer", "Response team 2"),
    DemoPersona("demo-coordinator", Role.COORDINATOR, "force", "Cora", "Coordinator", "Missing persons unit"),
    DemoPersona("demo-supervisor", Role.SUPERVISOR, "force", "Sam", "Supervisor", "Control room, B shift"),
    DemoPersona(
        "demo-inspector", Role.DUTY_INSPECTOR, "force", "Ines", "Inspector", "Duty inspector, force control"
    ),
    DemoPersona("demo-analyst", Role.ANALYST, "force", "Ana", "Analyst", "Performance and analysis"),
    DemoPersona(
        "demo-socialcare",
        Role.PARTNER_PRACTITIONER,
        "local_authority",
        "Sol",
        "Socialworker",
        "Children in care",
    ),
    DemoPersona(
        "demo-national", Role.ANALYST, "national", "Nia", "National", "National missing persons unit"
    ),
)
DEMO_NATIONAL_AGENCY = {"code": "demo-national", "name": "National Missing Persons Unit (demo)"}


@transaction.atomic
def demo_users_ensure(*, force: Agency, local_authority: Agency) -> list[User]:
    """Create (or reset) the demo personas with the demo password. Demo mode only."""
    if not settings.DEMO_MODE:
        raise RuntimeError("Demo users can only be created in demo mode (MISPER_ENV is not 'production').")
    national, _ = Agency.objects.get_or_create(
        code=DEMO_NATIONAL_AGENCY["code"],
        defaults={"name": DEMO_NATIONAL_AGENCY["name"], "kind": AgencyKind.NATIONAL},
    )
    agencies = {"force": force, "local_authority": local_authority, "national": national}
    users = []
    for persona in DEMO_PERSONAS:
        user, _ = User.objects.get_or_create(username=persona.username)
        user.first_name, user.last_name = persona.first_name, persona.last_name
        user.role, user.team = persona.role, persona.team
        user.agency = agencies[persona.agency]
        user.is_demo = True
        user.is_active = True
        user.set_password(settings.MISPER_DEMO_PASSWORD)
        user.save()
        users.append(user)
    return users
