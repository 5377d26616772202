"""The alerts outbox and the webhook subscriptions it sends to. Both tables kept their names from when
they lived in ``partners`` (``partners_alert``, ``partners_subscription``): the move changed no data."""

from __future__ import annotations

import uuid

from django.db import models


class Subscription(models.Model):
    """A partner system's webhook: signed deliveries of the events it asked for."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.CASCADE, related_name="subscriptions")
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=200)
    events = models.JSONField(default=list)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "partners_subscription"  # the table from before the app moved; no data moved


class AlertChannel(models.TextChoices):
    INBOX = "inbox", "In-app inbox"
    EMAIL = "email", "E-mail"
    WEBHOOK = "webhook", "Webhook"


class AlertStatus(models.TextChoices):
    PENDING = "pending", "Waiting to send"
    DELIVERED = "delivered", "Delivered"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    FAILED = "failed", "Failed, will retry"
    DEAD = "dead", "Gave up"


class Alert(models.Model):
    """An outbox row, written in the same transaction as the change that caused it."""

    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(max_length=60)
    event_key = models.CharField(max_length=120, help_text="Identifies the event, for de-duplication")
    episode = models.ForeignKey("episodes.Episode", null=True, blank=True, on_delete=models.CASCADE)
    child = models.ForeignKey("people.Child", null=True, blank=True, on_delete=models.CASCADE)
    recipient_agency = models.ForeignKey("accounts.Agency", on_delete=models.CASCADE, related_name="alerts")
    recipient_user = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.CASCADE)
    channel = models.CharField(max_length=10, choices=AlertChannel.choices)
    subscription = models.ForeignKey(Subscription, null=True, blank=True, on_delete=models.CASCADE)
    target = models.CharField(
        max_length=300,
        blank=True,
        help_text="Channel address: webhook subscription id, e-mail address or user id",
    )
    payload = models.JSONField()
    status = models.CharField(max_length=14, choices=AlertStatus.choices, default=AlertStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="acknowledged_alerts"
    )

    class Meta:
        db_table = "partners_alert"  # the table from before the app moved; no data moved
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "recipient_agency", "channel", "target"],
                name="alert_once_per_event_recipient",
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
