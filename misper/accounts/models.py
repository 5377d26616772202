"""Agencies (police forces and partners) and the people who sign in for them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


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
    CALL_HANDLER = "call_handler", "Call handler"
    INVESTIGATING_OFFICER = "investigating_officer", "Investigating officer"
    COORDINATOR = "coordinator", "Missing person coordinator"
    SUPERVISOR = "supervisor", "Supervisor"
    DUTY_INSPECTOR = "duty_inspector", "Duty inspector"
    ANALYST = "analyst", "Analyst"
    PARTNER_PRACTITIONER = "partner_practitioner", "Partner practitioner"
    AUDITOR = "auditor", "Auditor"
    ADMINISTRATOR = "administrator", "Administrator"


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
