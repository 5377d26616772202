"""Incidents received from a force's command-and-control system (docs/incidents.md)."""

from __future__ import annotations

from django.db import models

from misper.episodes.models import ReporterType


class LinkKind(models.TextChoices):
    JOINED = "joined", "Joined the child's open episode when received"
    REPORTED = "reported", "The report was made from this incident"
    ADDED = "added", "Added to an open episode by the control room"


class Incident(models.Model):
    """One command-and-control incident, unique by force and incident number. A missing-person incident
    is linked to the episode it led to; until then it waits in the control room's queue."""

    force = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="incidents")
    number = models.CharField(max_length=40)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True, help_text="Closed in the control room")
    opening_code = models.CharField(max_length=20)
    caller_name = models.CharField(max_length=100, blank=True)
    caller_phone = models.CharField(max_length=40, blank=True)
    caller_relationship = models.CharField(max_length=20, choices=ReporterType.choices, blank=True)
    location_address = models.CharField(max_length=200, blank=True)
    location_town = models.CharField(max_length=100, blank=True)
    location_postcode = models.CharField(max_length=10, blank=True)
    subject_given_name = models.CharField(max_length=100, blank=True)
    subject_family_name = models.CharField(max_length=100, blank=True)
    subject_date_of_birth = models.DateField(null=True, blank=True)
    subject_child_ref = models.CharField(max_length=40, blank=True)
    free_text = models.TextField(blank=True)
    # The episode it led to (its report, or the child's open episode it joined).
    episode = models.ForeignKey(
        "episodes.Episode", null=True, blank=True, on_delete=models.CASCADE, related_name="incidents"
    )
    link_kind = models.CharField(max_length=10, choices=LinkKind.choices, blank=True)
    linked_at = models.DateTimeField(null=True, blank=True)
    linked_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    request_sha256 = models.CharField(max_length=64, help_text="The last body received, canonical")
    received_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-opened_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["force", "number"], name="incident_number_unique_per_force")
        ]
        indexes = [models.Index(fields=["force", "opening_code", "episode"])]

    def __str__(self) -> str:
        return self.number

    @property
    def subject_name(self) -> str:
        return f"{self.subject_given_name} {self.subject_family_name}".strip()

    @property
    def location_words(self) -> str:
        parts = (self.location_address, self.location_town, self.location_postcode)
        return ", ".join(p for p in parts if p)
