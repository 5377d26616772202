"""The periodic alert sweep: events that happen because time passes, not because someone acted.

Run by the worker every minute. Each event is guarded by "not already queued" and by the outbox's
unique key, so running the sweep twice (or in two workers) never makes a second alert.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from misper.episodes import schedules
from misper.episodes.models import Episode
from misper.notifications.alerts import (
    ESCALATED,
    REVIEW_DUE,
    Recipient,
    alerts_for_event,
    alerts_write,
    duty_managers,
    event_key,
    personal_alert_write,
    recipients_for,
)
from misper.notifications.models import Alert, AlertChannel, AlertStatus
from misper.partners.models import InterviewStatus, ReturnInterview

OPEN = schedules.OPEN_STATUSES


def missing_after() -> dict[str, timedelta]:
    """When each "still missing" alert is due, from the loaded policy (the event names stay fixed)."""
    limits = schedules.thresholds()
    return {"episode.missing_24h": limits.long_duration, "episode.missing_72h": limits.ukmpu_after}


INTERVIEW_NOT_DONE = (InterviewStatus.REFERRED, InterviewStatus.OFFERED, InterviewStatus.ACCEPTED)
ESCALATION_LOOKBACK = timedelta(days=2)
BATCH = 200


def alerts_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Queue every time-based alert that is due and not yet queued. Returns how many events were queued."""
    now = now or timezone.now()
    counts = {event: _sweep_missing(event, after, now) for event, after in missing_after().items()}
    counts["return_interview.overdue"] = _sweep_interviews(now)
    counts[REVIEW_DUE] = _sweep_reviews(now)
    counts[ESCALATED] = _sweep_escalations(now)
    return counts


def _not_queued(event: str) -> Exists:
    return Exists(Alert.objects.filter(episode=OuterRef("pk"), event=event))


def _sweep_missing(event: str, after: timedelta, now: datetime) -> int:
    due = Episode.objects.filter(status__in=OPEN, reported_at__lte=now - after).filter(~_not_queued(event))
    done = 0
    for pk in due.order_by("reported_at").values_list("pk", flat=True)[:BATCH]:
        with transaction.atomic():
            episode = Episode.objects.select_for_update().filter(pk=pk, status__in=OPEN).first()
            if episode is not None:  # found meanwhile: no alert
                alerts_for_event(event=event, episode=episode, occurred_at=episode.reported_at + after)
                done += 1
    return done


def _sweep_interviews(now: datetime) -> int:
    event = "return_interview.overdue"
    queued = Alert.objects.filter(episode=OuterRef("episode_id"), event=event)
    due = ReturnInterview.objects.filter(
        status__in=INTERVIEW_NOT_DONE, due_at__lte=now, completed_at__isnull=True
    ).filter(~Exists(queued))
    done = 0
    for ri in due.select_related("episode", "responsible_agency", "provider").order_by("due_at")[:BATCH]:
        recipients = recipients_for(ri.episode)
        recipients += [Recipient(a) for a in (ri.responsible_agency, ri.provider) if a is not None]
        with transaction.atomic():
            alerts_write(
                event=event,
                episode=ri.episode,
                recipients=_distinct(recipients),
                discriminator=str(ri.pk),
                occurred_at=ri.due_at,
            )
        done += 1
    return done


def _sweep_reviews(now: datetime) -> int:
    """Tell the owner of each open episode, in their own inbox, that its scheduled review has fallen due:
    once per scheduled time (the due time is the alert's discriminator, so a review done and scheduled again
    alerts again when the new time comes). An alert made at or after the due time means this one is done; the
    outbox's unique key is the last guard. Only an active owner in the episode's own force is told; an
    unowned episode is flagged on the board instead, and a high-risk alert left unacknowledged escalates to
    the duty managers like any other."""
    told = Alert.objects.filter(
        episode=OuterRef("pk"), event=REVIEW_DUE, created_at__gte=OuterRef("next_review_at")
    )
    due = Episode.objects.filter(
        status__in=OPEN,
        next_review_at__lte=now,
        owner__isnull=False,
        owner__is_active=True,
        owner__agency_id=F("force_id"),
    ).filter(~Exists(told))
    done = 0
    for pk in due.order_by("next_review_at").values_list("pk", flat=True)[:BATCH]:
        with transaction.atomic():
            episode = Episode.objects.select_for_update().filter(pk=pk, status__in=OPEN).first()
            if episode is None or episode.next_review_at is None or episode.next_review_at > now:
                continue  # found, closed or reviewed meanwhile
            done += bool(
                personal_alert_write(
                    event=REVIEW_DUE,
                    episode=episode,
                    user=episode.owner,
                    discriminator=episode.next_review_at.isoformat(),
                    occurred_at=episode.next_review_at,
                )
            )
    return done


def _distinct(recipients: list[Recipient]) -> list[Recipient]:
    seen: dict[tuple[int, str], Recipient] = {}
    for r in recipients:
        seen.setdefault((r.agency.pk, r.target), r)
    return list(seen.values())


def _sweep_escalations(now: datetime) -> int:
    """A high-risk inbox alert nobody has acknowledged in time goes to the force's duty managers, once
    per event (all the event's unacknowledged recipients are named in one escalation)."""
    cutoff = now - timedelta(minutes=settings.MISPER_ESCALATE_AFTER_MINUTES)
    stale = (
        Alert.objects.filter(
            channel=AlertChannel.INBOX,
            status=AlertStatus.DELIVERED,
            acknowledged_at__isnull=True,
            created_at__lte=cutoff,
            created_at__gte=cutoff - ESCALATION_LOOKBACK,
            payload__risk="high",
            episode__isnull=False,
        )
        .exclude(event=ESCALATED)
        .select_related("episode", "recipient_agency")
        .order_by("pk")
    )
    by_key: dict[str, list[Alert]] = {}
    for alert in stale[: BATCH * 10]:
        by_key.setdefault(alert.event_key, []).append(alert)
    wanted = {key: _escalation_key(alerts[0]) for key, alerts in by_key.items()}
    already = set(
        Alert.objects.filter(event=ESCALATED, event_key__in=wanted.values()).values_list(
            "event_key", flat=True
        )
    )
    done = 0
    for key, alerts in by_key.items():
        if wanted[key] in already:
            continue
        with transaction.atomic():
            _escalate(key, alerts)
        done += 1
    return done


def _escalation_key(alert: Alert) -> str:
    assert alert.episode is not None
    return event_key(ESCALATED, alert.episode, discriminator=alert.event_key)


def _escalate(original_key: str, alerts: list[Alert]) -> None:
    episode = alerts[0].episode
    assert episode is not None
    alerts_write(
        event=ESCALATED,
        episode=episode,
        recipients=duty_managers(episode.force),
        discriminator=original_key,
        payload_extra={
            "escalates": alerts[0].event,
            "unacknowledged_by": sorted({a.recipient_agency.name for a in alerts}),
        },
    )
