"""Agencies (police forces and partners) and the people who sign in for them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_noop
from django_otp.models import Device


class AgencyKind(models.TextChoices):
    POLICE_FORCE = "police_force", "Police force"
    LOCAL_AUTHORITY = "local_authority", "Local authority children's services"
    CARE_PROVIDER = "care_provider", "Care provider"
    RETURN_INTERVIEW_PROVIDER = "return_interview_provider", "Return interview provider"
    HEALTH = "health", "Health"
    SCHOOL = "school", "School"
    NATIONAL = "national", "National body"


class Agency(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=40, choices=AgencyKind.choices)
    # The police force whose area the agency sits in: a care home's neighbourhood force, a council's force.
    police_area = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="agencies_in_area"
    )
    # A provider commissioned by a local authority (e.g. for return home interviews).
    commissioned_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="commissioned_providers"
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    out_of_hours_phone = models.CharField(max_length=40, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_police(self) -> bool:
        return self.kind == AgencyKind.POLICE_FORCE


class Role(models.TextChoices):
    CALL_HANDLER = "call_handler", gettext_noop("Call handler")
    INVESTIGATING_OFFICER = "investigating_officer", gettext_noop("Investigating officer")
    COORDINATOR = "coordinator", gettext_noop("Missing person coordinator")
    SUPERVISOR = "supervisor", gettext_noop("Supervisor")
    DUTY_INSPECTOR = "duty_inspector", gettext_noop("Duty inspector")
    ANALYST = "analyst", gettext_noop("Analyst")
    PARTNER_PRACTITIONER = "partner_practitioner", gettext_noop("Partner practitioner")
    AUDITOR = "auditor", gettext_noop("Auditor")
    ADMINISTRATOR = "administrator", gettext_noop("Administrator")


POLICE_ROLES = frozenset(
    {
        Role.CALL_HANDLER,
        Role.INVESTIGATING_OFFICER,
        Role.COORDINATOR,
        Role.SUPERVISOR,
        Role.DUTY_INSPECTOR,
        Role.ANALYST,
    }
)
SUPERVISING_ROLES = frozenset({Role.SUPERVISOR, Role.COORDINATOR, Role.DUTY_INSPECTOR})
# Senior enough to grade below a floor that binds people (a named override with a reason) and to decide on
# a grading whose rationale uses blaming language (misper.episodes.grading).
SENIOR_ROLES = frozenset({Role.DUTY_INSPECTOR})


class User(AbstractUser):
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    role = models.CharField(max_length=40, choices=Role.choices, default=Role.CALL_HANDLER)
    team = models.CharField(max_length=80, blank=True, help_text="Shift, team or patrol area")
    is_demo = models.BooleanField(default=False)

    @property
    def is_police(self) -> bool:
        return bool(self.agency and self.agency.is_police and self.role in POLICE_ROLES)

    @property
    def can_supervise(self) -> bool:
        return self.is_police and self.role in SUPERVISING_ROLES

    @property
    def can_override_floor(self) -> bool:
        return self.is_police and self.role in SENIOR_ROLES


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only a SHA-256 digest is stored. Refused (401) after
    ``expires_at`` (``MISPER_API_TOKEN_DAYS`` after it was made) or once revoked."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.CharField(max_length=150, blank=True)

    def __str__(self) -> str:
        return f"token {self.pk} for {self.user}"


class SignInThrottle(models.Model):
    """Failed sign-in attempts for one username (whether or not such a user exists, so a lockout
    does not reveal which usernames are real) or one client address: ``username`` holds the key,
    ``user:NAME`` or ``address:IP``. See ``misper.accounts.signin``."""

    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    first_failure_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"sign-in throttle for {self.username}"


class EnrolmentGrant(models.Model):
    """Permission to set up an authenticator app once, for an account that has none confirmed.

    Created for a new account or by an administrator's reset (``misper accounts reset-2fa``), logged as
    an access event; used by the first successful enrolment, refused after ``expires_at``. Without an
    open grant the enrolment page refuses everyone. See ``misper.accounts.signin``."""

    class Reason(models.TextChoices):
        NEW_ACCOUNT = "new_account", "New account"
        RESET = "reset", "Authenticator reset by an administrator"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_grants")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    granted_by = models.CharField(max_length=150, help_text="Who granted it: a username or the command")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"enrolment grant {self.pk} for {self.user}"


class IdentityProvider(models.Model):
    """An agency's OpenID Connect identity provider, for single sign-on (``misper.accounts.sso``).

    Set with ``misper sso set AGENCY …`` (README, "Single sign-on"). The client secret is never stored:
    ``client_secret_env`` names the environment variable that holds it, and only names starting
    ``MISPER_OIDC_SECRET_`` are accepted, so a provider can never be pointed at another of misper's keys.
    ``trust_mfa``: a token whose ``amr`` holds one of ``mfa_amr`` (or whose ``acr`` is one of ``mfa_acr``)
    stands in for misper's own second factor; otherwise the user must also give misper's code."""

    agency = models.OneToOneField(Agency, on_delete=models.PROTECT, related_name="identity_provider")
    name = models.CharField(max_length=100, help_text="Shown on the sign-in page: 'Sign in with NAME'")
    issuer = models.URLField(max_length=300, help_text="Exactly as the provider's discovery document says")
    client_id = models.CharField(max_length=200)
    client_secret_env = models.CharField(max_length=100)
    scopes = models.CharField(max_length=200, default="openid email profile")
    groups_claim = models.CharField(max_length=100, default="groups")
    trust_mfa = models.BooleanField(default=False)
    mfa_amr = models.CharField(max_length=200, blank=True, default="mfa otp hwk")
    mfa_acr = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} for {self.agency}"


class IdentityProviderGroup(models.Model):
    """One row of a provider's group → role mapping. The first row (by ``position``) whose group the
    user is in gives the role; a user in none of them is refused (never given a default role)."""

    provider = models.ForeignKey(IdentityProvider, on_delete=models.CASCADE, related_name="groups")
    position = models.PositiveSmallIntegerField()
    group = models.CharField(max_length=200)
    role = models.CharField(max_length=40, choices=Role.choices)

    class Meta:
        ordering = ["provider", "position"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "group"], name="identity_provider_group_once"),
        ]

    def __str__(self) -> str:
        return f"{self.group} → {self.role}"


class ExternalIdentity(models.Model):
    """The link from a provider's subject (its ``sub`` claim) to a misper account: a token is matched
    by issuer and subject only, never by e-mail address or username."""

    provider = models.ForeignKey(IdentityProvider, on_delete=models.PROTECT, related_name="identities")
    subject = models.CharField(max_length=255)
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="external_identity")
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "external identities"
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="external_identity_once"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} at {self.provider_id}"


class IdentityProviderDevice(Device):
    """The provider's own second factor, as django-otp sees it: ``django_otp.login`` with this device
    marks a session verified. Only the single sign-on callback does that, after a signed token from a
    provider that is trusted for multi-factor showed it; it never accepts a code, and
    ``SessionPolicyMiddleware`` also ends a session verified by it that was not signed in by single
    sign-on (``misper.accounts.sso.services.sso_session_valid``)."""

    provider = models.ForeignKey(IdentityProvider, on_delete=models.CASCADE, related_name="devices")

    def verify_token(self, token: Any) -> bool:
        return False
