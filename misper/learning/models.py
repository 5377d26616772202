"""The force's learning: children's feedback, language flags, and the inspection recommendations tracker.

Privacy by design (docs/language.md, docs/recommendations.md):

- ``Feedback`` rows hold no child, episode, invite or user: only the force, the patrol area, the team and
  the month, with a random UUID key (no sequence to line up against invites). ``FeedbackInvite`` knows the
  episode (it must, to be created from one) but a used invite keeps only a flag, not when it was used or
  which feedback row it produced.
- ``LanguageFlag`` rows keep which term reached which record, never the text around it.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy


class Answer(models.TextChoices):
    YES = "yes", gettext_lazy("Yes")
    A_BIT = "a_bit", gettext_lazy("A bit")
    NO = "no", gettext_lazy("No")
    RATHER_NOT_SAY = "rather_not_say", gettext_lazy("I'd rather not say")


class GivenBy(models.TextChoices):
    CHILD = "child", "The child, through their own link"
    ON_BEHALF = "on_behalf", "A practitioner, recording the child's answers"


class Feedback(models.Model):
    """How one child felt treated by police on one episode. Coarse, non-identifying fields only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    force = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    area = models.CharField(max_length=40, blank=True, help_text="Patrol beat or area code")
    team = models.CharField(max_length=80, blank=True)
    period = models.DateField(help_text="First day of the month of the episode")
    given_by = models.CharField(max_length=12, choices=GivenBy.choices)
    listened = models.CharField(max_length=16, choices=Answer.choices)
    respected = models.CharField(max_length=16, choices=Answer.choices)
    blamed = models.CharField(max_length=16, choices=Answer.choices)
    felt_safe = models.CharField(max_length=16, choices=Answer.choices)
    comment = models.TextField(blank=True, max_length=2000)

    class Meta:
        indexes = [models.Index(fields=["force", "period"])]


class FeedbackInvite(models.Model):
    """A one-time code for the child's own feedback link. Only a SHA-256 digest of the code is stored."""

    digest = models.CharField(max_length=64, unique=True)
    episode = models.ForeignKey("episodes.Episode", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used = models.BooleanField(default=False)


class LanguageFlag(models.Model):
    """A term from the language list reached a saved record. No text is kept."""

    force = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    record_type = models.CharField(max_length=40)
    record_id = models.PositiveBigIntegerField()
    field = models.CharField(max_length=40)
    term = models.CharField(max_length=60)
    team = models.CharField(max_length=80, blank=True)
    saved_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["force", "saved_at"])]


class RecommendationKind(models.TextChoices):
    RECOMMENDATION = "recommendation", "Recommendation"
    AREA_FOR_IMPROVEMENT = "area_for_improvement", "Area for improvement"


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class Recommendation(models.Model):
    force = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=200)
    reference = models.CharField(max_length=40)
    kind = models.CharField(max_length=24, choices=RecommendationKind.choices)
    text = models.TextField()
    due_on = models.DateField(null=True, blank=True)
    owner = models.CharField(max_length=120, blank=True)
    status = models.CharField(
        max_length=12, choices=ProgressStatus.choices, default=ProgressStatus.NOT_STARTED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["source", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["force", "source", "reference"], name="recommendation_ref_unique")
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.text[:60]}"


class RecommendationAction(models.Model):
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="actions")
    text = models.TextField()
    owner = models.CharField(max_length=120, blank=True)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=ProgressStatus.choices, default=ProgressStatus.NOT_STARTED
    )

    class Meta:
        ordering = ["due_on", "pk"]


class ProgressUpdate(models.Model):
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="updates")
    on = models.DateField()
    text = models.TextField()
    by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    by_name = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-on", "-pk"]


class EvidenceLink(models.Model):
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="evidence")
    label = models.CharField(max_length=200)
    url = models.CharField(max_length=500)

    class Meta:
        ordering = ["pk"]
