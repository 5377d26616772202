"""The alert delivery worker (``misper worker``): sends queued e-mails and webhooks, at least once.

How an alert is never lost:

- It is claimed in a short transaction that pushes ``next_attempt_at`` forward by a lease and counts the
  attempt. On PostgreSQL the claim uses ``SELECT … FOR UPDATE SKIP LOCKED`` so several workers share the
  queue; on SQLite writers are serialised anyway (one worker is expected).
- It is sent outside any transaction (a slow receiver holds no locks and never blocks a user).
- Success marks it delivered; failure schedules a retry with exponential back-off. A worker killed
  mid-send marks nothing, so the claim simply expires after the lease and the alert is sent again with
  the same ``X-Misper-Delivery`` id, which receivers use to de-duplicate.
- After ``GIVE_UP_AFTER`` without success the alert is marked dead, with its last error.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import close_old_connections, connection, transaction
from django.db.models import F
from django.utils import timezone

from misper.audit.services import access_record
from misper.notifications.jobs import PERIODIC_JOBS
from misper.notifications.models import Alert, AlertChannel, AlertStatus
from misper.notifications.sweep import alerts_sweep
from misper.notifications.webhooks import SendResult, webhook_send

logger = logging.getLogger("misper.worker")

BATCH = 5  # small, so that a batch's sends finish well inside one lease
BACKOFF_FIRST_SECONDS = 2
BACKOFF_MAX = timedelta(minutes=5)
GIVE_UP_AFTER = timedelta(hours=24)
SWEEP_EVERY = timedelta(minutes=1)
SENT_BY_WORKER = (AlertChannel.EMAIL, AlertChannel.WEBHOOK)


def lease() -> timedelta:
    return timedelta(seconds=settings.MISPER_ALERT_LEASE_SECONDS)


def backoff(attempts: int) -> timedelta:
    """2, 4, 8 … seconds after the 1st, 2nd, 3rd failed attempt, capped at five minutes."""
    return min(timedelta(seconds=BACKOFF_FIRST_SECONDS * 2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def alerts_claim(*, now: datetime | None = None, limit: int = BATCH) -> list[Alert]:
    """Claim up to ``limit`` due alerts for this worker until the lease runs out."""
    now = now or timezone.now()
    with transaction.atomic():
        due = Alert.objects.filter(
            channel__in=SENT_BY_WORKER,
            status__in=(AlertStatus.PENDING, AlertStatus.FAILED),
            next_attempt_at__lte=now,
        ).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        Alert.objects.filter(pk__in=ids).update(next_attempt_at=now + lease(), attempts=F("attempts") + 1)
    claimed = Alert.objects.filter(pk__in=ids).select_related("subscription", "recipient_agency")
    return list(claimed.order_by("pk"))


def alert_send(alert: Alert) -> SendResult:
    """Send one alert on its channel. Raises nothing: every failure is a SendResult."""
    try:
        if alert.channel == AlertChannel.WEBHOOK:
            return _send_webhook(alert)
        return _send_email(alert)
    except Exception as exc:  # a bug or an unexpected library error must not kill the worker
        logger.exception("Sending alert %s failed", alert.pk)
        return SendResult(False, f"{exc.__class__.__name__}: {exc}"[:500])


def _send_webhook(alert: Alert) -> SendResult:
    sub = alert.subscription
    if sub is None or not sub.active:
        return SendResult(False, "The subscription was removed or switched off", permanent=True)
    return webhook_send(
        url=sub.url,
        secret=sub.secret,
        event=alert.event,
        delivery_id=str(alert.delivery_id),
        payload=alert.payload,
    )


EMAIL_SUBJECT = "misper alert: {event} (child {child_ref})"
EMAIL_BODY = (
    "misper alert {event} for child reference {child_ref}, episode {episode_id}, risk {risk}, "
    "at {occurred_at}.\n\nSign in to misper to see the details and acknowledge it. "
    "This e-mail deliberately holds no personal details.\n\nDelivery id: {delivery_id}\n"
)


def _send_email(alert: Alert) -> SendResult:
    p = alert.payload
    fields = {k: p.get(k, "") for k in ("event", "child_ref", "episode_id", "risk", "occurred_at")}
    send_mail(
        EMAIL_SUBJECT.format(**fields),
        EMAIL_BODY.format(**fields, delivery_id=alert.delivery_id),
        settings.DEFAULT_FROM_EMAIL,
        [alert.target],
        using="default",  # MAILERS["default"]: SMTP, from MISPER_SMTP_HOST/PORT
    )
    return SendResult(True)


def alert_record_result(alert: Alert, result: SendResult, *, now: datetime | None = None) -> None:
    """Store the outcome of one attempt. A success is always kept; a failure only if this worker still
    holds the claim (``attempts`` unchanged), so a worker whose lease ran out cannot undo a newer claim."""
    now = now or timezone.now()
    with transaction.atomic():
        if result.ok:
            updated = Alert.objects.filter(pk=alert.pk).exclude(status=AlertStatus.DELIVERED)
            if updated.update(status=AlertStatus.DELIVERED, delivered_at=now, last_error=""):
                access_record(
                    user=None,
                    action="disclose",
                    record_type="episode",
                    record_ids=[alert.episode_id] if alert.episode_id else [],
                    purpose=f"alert {alert.event} sent by {alert.channel} to {alert.recipient_agency.code}",
                )
            return
        dead = result.permanent or now - alert.created_at >= GIVE_UP_AFTER
        Alert.objects.filter(pk=alert.pk, attempts=alert.attempts).exclude(
            status=AlertStatus.DELIVERED
        ).update(
            status=AlertStatus.DEAD if dead else AlertStatus.FAILED,
            next_attempt_at=now + backoff(alert.attempts),
            last_error=result.error[:2000],
        )


def alerts_deliver_due(*, now: Callable[[], datetime] = timezone.now) -> int:
    """Claim and send batches until nothing is due. Returns how many alerts were attempted."""
    attempted = 0
    while batch := alerts_claim(now=now()):
        for alert in batch:
            alert_record_result(alert, alert_send(alert), now=now())
            attempted += 1
    return attempted


def worker_run(*, once: bool = False, poll: float = 1.0, stop: threading.Event | None = None) -> None:
    """The worker loop: the sweep and the registered jobs every minute, then deliveries, then wait ``poll``
    seconds."""
    stop = stop or threading.Event()
    last_sweep: datetime | None = None
    while not stop.is_set():
        close_old_connections()
        if last_sweep is None or timezone.now() - last_sweep >= SWEEP_EVERY:
            _safely(alerts_sweep)
            for job in PERIODIC_JOBS:  # registered by other apps: the dashboard's facts (misper.analytics)
                _safely(job)
            last_sweep = timezone.now()
        _safely(alerts_deliver_due)
        if once:
            return
        stop.wait(poll)


def _safely(step: Callable[[], object]) -> None:
    """A database hiccup is logged and retried on the next loop, not allowed to stop the worker."""
    try:
        step()
    except Exception:
        logger.exception("Alert worker step %s failed; retrying on the next loop", step.__name__)
        close_old_connections()
