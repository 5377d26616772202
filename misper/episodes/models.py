"""A missing episode and everything done about it: gradings, reviews, actions, found, safe and well."""

from __future__ import annotations

from django.db import models


class Status(models.TextChoices):
    REPORTED = "reported", "Reported"
    ACTIVE = "active", "Active investigation"
    FOUND = "found", "Found or returned"
    CLOSED = "closed", "Closed"


class Category(models.TextChoices):
    MISSING = "missing", "Missing"
    ABSENT = "absent", "Absent"


class Risk(models.TextChoices):
    NO_APPARENT_RISK = "no_apparent_risk", "No apparent risk"
    VERY_LOW = "very_low", "Very low"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


RISK_ORDER = {r.value: i for i, r in enumerate(Risk)}


class ReporterType(models.TextChoices):
    PARENT = "parent", "Parent"
    CARER = "carer", "Carer"
    CARE_HOME = "care_home", "Care home"
    SCHOOL = "school", "School"
    PUBLIC = "public", "Member of the public"
    SELF = "self", "The child"
    OTHER = "other", "Other"


class ReturnMethod(models.TextChoices):
    SELF_RETURNED = "self_returned", "Returned by themselves"
    FOUND_BY_POLICE = "found_by_police", "Found by police"
    FOUND_BY_CARER = "found_by_carer", "Found or collected by a parent or carer"
    OTHER = "other", "Other"


class Episode(models.Model):
    force = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="episodes")
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="episodes")
    reference = models.CharField(max_length=30, unique=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REPORTED)
    category = models.CharField(max_length=10, choices=Category.choices, default=Category.MISSING)
    risk = models.CharField(max_length=20, choices=Risk.choices, default=Risk.MEDIUM)
    # Report
    reported_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(null=True, blank=True)
    missing_from = models.ForeignKey(
        "people.Location", null=True, blank=True, on_delete=models.SET_NULL, related_name="episodes_from"
    )
    missing_from_care = models.BooleanField(default=False)
    reporter_type = models.CharField(max_length=20, choices=ReporterType.choices, default=ReporterType.OTHER)
    reporter_name = models.CharField(max_length=100, blank=True)
    reporter_phone = models.CharField(max_length=40, blank=True)
    circumstances = models.TextField(blank=True)
    indicators = models.JSONField(default=list, blank=True)
    indicators_not_known = models.JSONField(
        default=list,
        blank=True,
        help_text="Risk questions answered 'not known': gaps to fill (a ticked question is in indicators)",
    )
    beat = models.CharField(max_length=40, blank=True)
    # Found / returned
    found_at = models.DateTimeField(null=True, blank=True)
    found_location = models.ForeignKey(
        "people.Location", null=True, blank=True, on_delete=models.SET_NULL, related_name="episodes_found"
    )
    found_with = models.CharField(max_length=200, blank=True)
    found_with_associate = models.ForeignKey(
        "people.Associate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="found_with_episodes",
    )
    return_method = models.CharField(max_length=20, choices=ReturnMethod.choices, blank=True)
    harm_disclosed = models.BooleanField(null=True, blank=True)
    offences_identified = models.TextField(blank=True)
    # Closure
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_summary = models.TextField(blank=True)
    safe_and_well_not_done_reason = models.TextField(blank=True)
    # Supervision
    owner = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_episodes"
    )
    next_review_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="created_episodes"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic lock: bumped on every change")

    class Meta:
        ordering = ["-reported_at"]
        indexes = [
            models.Index(fields=["force", "status", "reported_at"]),
            models.Index(fields=["child", "reported_at"]),
            models.Index(fields=["status", "next_review_at"]),
            models.Index(fields=["reported_at"]),  # the board's recent repeat children, dashboards by period
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in (Status.REPORTED, Status.ACTIVE)


class StatusChange(models.Model):
    """One row per status move, written by the single transition service."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    at = models.DateTimeField()
    by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]


class AssessmentKind(models.TextChoices):
    INITIAL = "initial", "Initial assessment at report"
    REVIEW = "review", "Re-assessment at review"
    NEW_INFORMATION = "new_information", "Re-assessment on new information"
    SUPERVISOR = "supervisor", "Supervisor's decision"


class ApprovalStatus(models.TextChoices):
    NOT_NEEDED = "not_needed", "Not needed"
    PENDING = "pending", "Waiting for a supervisor"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    OVERRIDDEN = "overridden", "Below a floor on a duty inspector's named override"


class RiskAssessment(models.Model):
    """Every grading or re-grading is a new row: the engine's recommendation beside the human grade."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(max_length=20, choices=AssessmentKind.choices, default=AssessmentKind.INITIAL)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL)
    policy_name = models.CharField(max_length=60)
    policy_version = models.CharField(max_length=40)
    inputs = models.JSONField(help_text="The misper/1 document the engine read")
    result = models.JSONField(help_text="The engine's full result, with reasons")
    recommended_category = models.CharField(max_length=10, choices=Category.choices)
    recommended_risk = models.CharField(max_length=20, choices=Risk.choices)
    immediacy = models.CharField(max_length=10)
    seriousness = models.CharField(max_length=10)
    graded_category = models.CharField(max_length=10, choices=Category.choices)
    graded_risk = models.CharField(max_length=20, choices=Risk.choices)
    rationale = models.TextField(blank=True)
    under_graded = models.BooleanField(default=False)
    approval_status = models.CharField(
        max_length=12, choices=ApprovalStatus.choices, default=ApprovalStatus.NOT_NEEDED
    )
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="decided_assessments"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    override_reason = models.TextField(
        blank=True, help_text="Why a duty inspector graded below a floor that binds people (risk/binding.py)"
    )
    floors_overridden = models.JSONField(default=list, blank=True, help_text="The binding floors gone below")
    senior_review = models.BooleanField(
        default=False, help_text="Only a duty inspector may decide: the rationale uses blaming language"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["approval_status"])]


class Review(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="reviews")
    reviewed_at = models.DateTimeField()
    reviewer = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL)
    regraded = models.BooleanField(default=False)
    assessment = models.ForeignKey(RiskAssessment, null=True, blank=True, on_delete=models.SET_NULL)
    notes = models.TextField()
    next_review_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["reviewed_at", "pk"]


class ActionStatus(models.TextChoices):
    OPEN = "open", "To do"
    DONE = "done", "Done"
    NOT_NEEDED = "not_needed", "Not needed"
    CANCELLED = "cancelled", "Cancelled"


class ActionSource(models.TextChoices):
    """Where an action came from, as an officer would say it."""

    ENGINE = "engine", "Recommended by the risk assessment"
    STANDARD = "standard", "Standard enquiry for a missing child"
    TRIGGER_PLAN = "trigger_plan", "From the child's trigger plan"
    MANUAL = "manual", "Added by an officer"
    HANDOVER = "handover", "Handover"


class Action(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="actions")
    code = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    source = models.CharField(max_length=20, choices=ActionSource.choices, default=ActionSource.STANDARD)
    assigned_to = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    assigned_team = models.CharField(max_length=80, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    outcome = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="completed_actions"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="created_actions"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["episode", "status"])]


class SafeAndWellCheck(models.Model):
    episode = models.OneToOneField(Episode, on_delete=models.CASCADE, related_name="safe_and_well")
    conducted_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL)
    conducted_by_name = models.CharField(max_length=100, blank=True)
    conducted_at = models.DateTimeField()
    child_account = models.TextField(blank=True, help_text="What the child said, in their own words")
    harm_disclosed = models.BooleanField(default=False)
    harm_details = models.TextField(blank=True)
    offences_to_investigate = models.TextField(blank=True)
    push_factors = models.TextField(blank=True, help_text="What the child was running from")
    pull_factors = models.TextField(blank=True, help_text="What the child was running to")
    child_wishes = models.TextField(blank=True, help_text="What the child wants to happen")
    returned_to = models.CharField(
        max_length=20,
        choices=[
            ("same_place", "Where they went missing from"),
            ("elsewhere", "Somewhere else"),
            ("", "Not yet"),
        ],
        blank=True,
    )
    safe_to_return = models.BooleanField(null=True)
    safety_decision = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class IdempotencyKey(models.Model):
    """A client's Idempotency-Key for POST /api/v1/episodes: a retry by the same user with the same body
    returns the first episode; the same key with a different body is refused (see ``episode_report``)."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE)
    key = models.CharField(max_length=255, help_text="Compared whole (misper.core.http.IDEMPOTENCY_KEY_MAX)")
    request_sha256 = models.CharField(
        max_length=64,
        blank=True,
        help_text="SHA-256 of the canonical request body; empty on rows from before",
    )
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")
        ]


class NoticeMethod(models.TextChoices):
    """How a UK Missing Persons Unit notice was sent."""

    SECURE_EMAIL = "secure_email", "Secure email"
    ONLINE_FORM = "online_form", "The UK Missing Persons Unit's online form"
    PHONE = "phone", "Telephone, then confirmed in writing"


class UkmpuNotice(models.Model):
    """The record that the UK Missing Persons Unit was told about an episode past the 72-hour point: when,
    by whom, how, and exactly what was sent (``content``, the fields as they stood). One per episode,
    written by ``misper.episodes.ukmpu.ukmpu_notice_record``."""

    episode = models.OneToOneField(Episode, on_delete=models.CASCADE, related_name="ukmpu_notice")
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="ukmpu_notices"
    )
    sent_by_name = models.CharField(max_length=150, help_text="Kept if the account is later removed")
    method = models.CharField(max_length=20, choices=NoticeMethod.choices)
    ukmpu_reference = models.CharField(max_length=40, blank=True)
    notes = models.TextField(blank=True)
    content = models.JSONField(help_text="What was sent: the notice's fields as they stood")
    due_at = models.DateTimeField(help_text="The 72-hour point when the notice was recorded")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "pk"]
