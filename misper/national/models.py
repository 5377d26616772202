"""National returns as imported, the people linkage finds in them, and the pairs a person must decide."""

from __future__ import annotations

from django.db import models


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
        ordering = ["decision", "-probability", "pk"]

    def __str__(self) -> str:
        return f"{self.left_source}/{self.left_ref} ~ {self.right_source}/{self.right_ref}"
