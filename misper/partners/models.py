"""What police share with partner agencies: trigger plans, return interviews, placement notices, care-home
profiles, panels. The alerts outbox is in ``misper.notifications``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy


class TriggerPlan(models.Model):
    """A multi-agency plan for a child who goes missing again. Versioned: a change is a new row."""

    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="trigger_plans")
    version = models.PositiveIntegerField(default=1)
    minimum_risk = models.CharField(max_length=20)
    actions = models.JSONField(default=list, help_text="Specific actions: numbers to call, places to check")
    agreed_by = models.CharField(max_length=300, help_text="Who agreed it, with their agencies")
    agencies = models.ManyToManyField("accounts.Agency", blank=True, related_name="trigger_plans")
    agreed_on = models.DateField()
    review_on = models.DateField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["child", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["child", "version"], name="trigger_plan_version_unique")
        ]


class InterviewStatus(models.TextChoices):
    REFERRED = "referred", gettext_lazy("Referred")
    OFFERED = "offered", gettext_lazy("Offered")
    ACCEPTED = "accepted", gettext_lazy("Accepted")
    DECLINED = "declined", gettext_lazy("Declined")
    COMPLETED = "completed", gettext_lazy("Completed")
    NOT_POSSIBLE = "not_possible", gettext_lazy("Not possible")


class ReturnInterview(models.Model):
    """An independent return home interview: a local-authority duty, due within 72 hours of return."""

    episode = models.OneToOneField(
        "episodes.Episode", on_delete=models.CASCADE, related_name="return_interview"
    )
    responsible_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="return_interviews"
    )
    provider = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="provided_interviews"
    )
    referred_at = models.DateTimeField()
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=20, choices=InterviewStatus.choices, default=InterviewStatus.REFERRED
    )
    offered_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    interviewer_name = models.CharField(max_length=100, blank=True)
    child_account = models.TextField(blank=True)
    push_factors = models.TextField(blank=True)
    pull_factors = models.TextField(blank=True)
    risks_found = models.TextField(blank=True)
    what_should_change = models.TextField(blank=True)
    child_wishes = models.TextField(blank=True)
    proposed_trigger_plan_change = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["status", "due_at"])]


class PlacementNotice(models.Model):
    """A placing authority tells the host force and authority that a child is placed on their patch."""

    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="placement_notices")
    placing_authority = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    host_authority = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    host_force = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="placement_notices"
    )
    placement_type = models.CharField(max_length=20)
    placement = models.ForeignKey("people.Location", null=True, blank=True, on_delete=models.SET_NULL)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    known_risks = models.TextField(blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    # Each receiving agency acknowledges for itself: ``acknowledged_*`` is the host force's,
    # ``authority_acknowledged_*`` the host authority's (see misper.partners.placements).
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    authority_acknowledged_at = models.DateTimeField(null=True, blank=True)
    authority_acknowledged_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Ending a placement (``placements.placement_end``): ``ends_on`` is the last day of the placement,
    # ``ended_*`` who recorded the end and why. ``version`` is the optimistic lock for edits.
    end_reason = models.TextField(blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["host_force", "starts_on"])]


# --- issue 5: working together -----------------------------------------------------------------------


class CareProfile(models.Model):
    """The care home's profile of a looked-after child (the "Philomena protocol"), kept ready so that a
    missing report can be made without re-asking. Photo, description, phone, social media and medical
    needs live on the child record itself; this holds what only the care home knows day to day."""

    child = models.OneToOneField("people.Child", on_delete=models.CASCADE, related_name="care_profile")
    care_home = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="care_profiles")
    friends_and_associates = models.TextField(blank=True)
    places_frequented = models.TextField(blank=True)
    missing_history = models.TextField(blank=True, help_text="A summary of earlier times missing")
    routines = models.TextField(blank=True, help_text="Routines, triggers and what usually helps")
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL)
    version = models.PositiveIntegerField(default=1)


class NotificationStatus(models.TextChoices):
    NEW = "new", "New"
    REPORTED = "reported", "Report recorded"


class MissingNotification(models.Model):
    """A care home tells the control room a child is missing, with the care profile attached. The call
    handler opens it and the report form is filled in from it."""

    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="missing_notifications")
    force = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    care_home = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    profile = models.JSONField(help_text="The care profile as it was when the report was sent")
    last_seen_at = models.DateTimeField()
    circumstances = models.TextField()
    from_place = models.CharField(max_length=200, blank=True)
    from_town = models.CharField(max_length=100, blank=True)
    from_postcode = models.CharField(max_length=10, blank=True)
    reporter_name = models.CharField(max_length=100)
    reporter_phone = models.CharField(max_length=40)
    status = models.CharField(
        max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.NEW
    )
    episode = models.OneToOneField(
        "episodes.Episode", null=True, blank=True, on_delete=models.SET_NULL, related_name="notification"
    )
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["force", "status", "created_at"])]


class ProposalStatus(models.TextChoices):
    OPEN = "open", "Waiting to be considered"
    ADOPTED = "adopted", "Adopted in a new plan"
    DISMISSED = "dismissed", "Not adopted"


class TriggerPlanProposal(models.Model):
    """A suggested change to a child's trigger plan, e.g. from a return interview's findings."""

    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="plan_proposals")
    return_interview = models.ForeignKey(
        ReturnInterview, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    text = models.TextField()
    proposed_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN)
    resolved_plan = models.ForeignKey(
        TriggerPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="adopted_proposals"
    )


class MeetingKind(models.TextChoices):
    PANEL = "panel", "Multi-agency missing panel"
    STRATEGY = "strategy", "Strategy meeting"


class Meeting(models.Model):
    """A multi-agency panel or a strategy meeting about one or more children: who came, what was
    decided, and the actions agencies took away (see misper.partners.panels)."""

    force = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(max_length=10, choices=MeetingKind.choices)
    held_on = models.DateField()
    children = models.ManyToManyField("people.Child", related_name="meetings")
    attendees = models.JSONField(default=list, help_text='[{"name": …, "agency": …}]')
    decisions = models.TextField()
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()


class MeetingAction(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField(max_length=300)
    owner_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]
