"""National returns as imported, the people linkage finds in them, and the pairs a person must decide."""

from __future__ import annotations

from datetime import date, datetime

from django.db import models

ADULT_AGE = 18


def age_at(date_of_birth: str, at: datetime | None) -> int | None:
    """Whole years from a date of birth ("2009-05-14", or "2009-05" taken as mid-month) to ``at``;
    None for a year alone, no date, or a date that cannot be read."""
    if at is None or len(date_of_birth) < 7:
        return None
    try:
        born = date.fromisoformat(date_of_birth if len(date_of_birth) == 10 else f"{date_of_birth}-15")
    except ValueError:
        return None
    day = at.date()
    years = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    return years if 0 <= years < 130 else None


class NationalRecord(models.Model):
    """One episode of one child in one force's national return, fields as the force sent them."""

    source = models.CharField(max_length=60, help_text="The sending force's code")
    ref = models.CharField(max_length=100, help_text="The force's reference for the child")
    episode_key = models.CharField(
        max_length=100, help_text="The episode's reference, or when it was reported"
    )
    given_name = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.CharField(max_length=10, blank=True, help_text="YYYY-MM-DD, YYYY-MM or YYYY")
    sex = models.CharField(max_length=10, blank=True)
    address_line = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=12, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    # Whole years when reported (from a full or year-and-month date of birth): children and adults apart.
    age_at_report = models.PositiveSmallIntegerField(null=True, blank=True)
    found_at = models.DateTimeField(null=True, blank=True)
    risk = models.CharField(max_length=20, blank=True)
    category = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=12, blank=True)
    imported_from = models.CharField(max_length=300, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "ref", "episode_key"], name="national_record_unique_episode"
            )
        ]
        indexes = [models.Index(fields=["source", "ref"])]

    def __str__(self) -> str:
        return f"{self.source}/{self.ref}/{self.episode_key}"

    @property
    def is_child(self) -> bool:
        """Under 18 when reported, or age not known (an unknown age may be a child)."""
        return self.age_at_report is None or self.age_at_report < ADULT_AGE

    @property
    def is_missing_now(self) -> bool:
        return self.found_at is None and self.status in ("", "reported", "active")


class PersonLink(models.Model):
    """The person linkage says a record belongs to. Equal person_id: the same child."""

    record = models.OneToOneField(NationalRecord, on_delete=models.CASCADE, related_name="link")
    person_id = models.CharField(max_length=40, db_index=True)
    linked_at = models.DateTimeField(auto_now=True)


class Decision(models.TextChoices):
    UNDECIDED = "", "Not decided"
    SAME = "same", "Same child"
    DIFFERENT = "different", "Different children"


class ReviewPair(models.Model):
    """Two children's records linkage was unsure about, and what a reviewer decided.

    Keyed by the children's (source, ref) so a decision survives re-imports and is reused on every
    later linkage run.
    """

    left_source = models.CharField(max_length=60)
    left_ref = models.CharField(max_length=100)
    right_source = models.CharField(max_length=60)
    right_ref = models.CharField(max_length=100)
    probability = models.FloatField()
    weight = models.PositiveIntegerField(
        default=1, help_text="Record pairs a 'same' decision would join: the queue is worked heaviest first"
    )
    decision = models.CharField(
        max_length=10, choices=Decision.choices, blank=True, default=Decision.UNDECIDED
    )
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["left_source", "left_ref", "right_source", "right_ref"], name="review_pair_unique"
            )
        ]
        ordering = ["decision", "-weight", "-probability", "pk"]

    def __str__(self) -> str:
        return f"{self.left_source}/{self.left_ref} ~ {self.right_source}/{self.right_ref}"
