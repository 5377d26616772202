"""The access log: who consulted, changed or disclosed which records, and why."""

from __future__ import annotations

from django.db import models


class AccessEvent(models.Model):
    """Append-only. Holds record ids, never record content.

    A request writes the event unsealed (``seq`` empty) in its own transaction; the sealer
    (``misper.audit.sealer``) then sets the seal fields once — ``seq``, ``key_id``, ``prev_hash``, ``hash``,
    ``sealed_at`` — linking it into the keyed chain (``misper.audit.chain``). On PostgreSQL a trigger
    refuses every other UPDATE and every DELETE."""

    at = models.DateTimeField(db_index=True)
    user = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT)
    username = models.CharField(max_length=150, blank=True)
    agency_code = models.CharField(max_length=40, blank=True)
    role = models.CharField(max_length=40, blank=True)
    action = models.CharField(
        max_length=30, help_text="view, list, search, export, create, change, disclose…"
    )
    record_type = models.CharField(max_length=40)
    record_ids = models.JSONField(default=list)
    purpose = models.CharField(max_length=200, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    # The seal, set once by the sealer. seq: the event's gap-free position in the chain.
    seq = models.BigIntegerField(null=True, blank=True, unique=True)
    key_id = models.CharField(max_length=40, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)
    sealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["record_type", "at"]),
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="audit_event_unsealed"),
        ]


class ChangeRecord(models.Model):
    """One change to one record: who, when, and each changed field's value before and after.

    Written by ``misper.audit.history`` inside the transaction of the change. Holds content (it is the
    record's history), so it is read through the same access rule as the record and disposed of with it."""

    at = models.DateTimeField(db_index=True)
    user = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL)
    username = models.CharField(max_length=150, blank=True)
    record_type = models.CharField(max_length=40)
    record_id = models.CharField(max_length=40)
    action = models.CharField(max_length=20, default="change")
    changes = models.JSONField(default=dict, help_text='{"field": [before, after]}')
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["record_type", "record_id"])]


class RetentionDecision(models.Model):
    """A reviewer's decision to keep a record past its review date: who, when, why, and when to look again.

    Written by ``misper.audit.retention.services.retention_retain``; removed with the record if it is
    later disposed of (the rationale may describe the record)."""

    record_type = models.CharField(max_length=40, help_text="episode or child")
    record_id = models.PositiveBigIntegerField()
    force = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    reviewer_name = models.CharField(max_length=150)
    decided_at = models.DateTimeField()
    rationale = models.TextField()
    next_review_on = models.DateField()

    class Meta:
        ordering = ["decided_at", "pk"]
        indexes = [models.Index(fields=["record_type", "record_id"])]
