"""The alerts outbox: who is told about an event, and the rows that tell them.

``alerts_for_event`` is called by services *inside their transaction*, so an alert commits with the change
that caused it, or not at all. It only writes rows; the worker (``misper worker``) sends them. Each row is
unique per (event, recipient agency, channel, target), so a retried request or a repeated sweep cannot
make a second alert. Who is told is documented in docs/alerts.md.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from misper.accounts.models import Agency, Role, User
from misper.audit.services import access_record
from misper.episodes.models import Episode, Risk, Status
from misper.notifications.models import Alert, AlertChannel, AlertStatus, Subscription
from misper.notifications.selectors import visible_alerts
from misper.people.models import Child

# Events a partner may subscribe to. ``alert.escalated`` goes only to the force's duty managers' inboxes.
SUBSCRIBABLE_EVENTS = (
    "episode.reported",
    "episode.regraded",
    "episode.found",
    "episode.missing_24h",
    "episode.missing_72h",
    "return_interview.overdue",
    "placement.notice",
    "placement.ended",
    "missing_notification.received",
    "episode.repeat_threshold",
    "incident.linked",
)
ESCALATED = "alert.escalated"
HANDED_OVER = "episode.handed_over"  # in-app, to the new owner only
FLOOR_OVERRIDDEN = "grading.floor_overridden"  # in-app, to the force's missing person coordinators
# In-app, to one person: the call handler whose grading a supervisor decided, the owner whose child is found.
GRADING_APPROVED = "grading.approved"
GRADING_REJECTED = "grading.rejected"
OWNER_FOUND = "episode.found_yours"
# In-app, to the owner of an open episode whose scheduled review has fallen due (queued by the sweep).
REVIEW_DUE = "episode.review_due"
PERSONAL_EVENTS = (HANDED_OVER, GRADING_APPROVED, GRADING_REJECTED, OWNER_FOUND, REVIEW_DUE)
EVENTS = (
    *SUBSCRIBABLE_EVENTS,
    ESCALATED,
    HANDED_OVER,
    FLOOR_OVERRIDDEN,
    GRADING_APPROVED,
    GRADING_REJECTED,
    OWNER_FOUND,
    REVIEW_DUE,
)
EXPLOITATION_FLAGS = frozenset({"cse_risk", "cce_risk", "trafficking_risk", "online_grooming_risk"})
CSE_TEAM = "team:cse"
DUTY_MANAGER = "duty-manager"


@dataclass(frozen=True)
class Recipient:
    """One inbox to fill: an agency, optionally a team within it or one user."""

    agency: Agency
    target: str = ""
    user: User | None = None
    external: bool = True  # also e-mail and webhooks (a team or user inbox is in-app only)


def _discriminator(event: str, episode: Episode) -> str:
    """What makes this event distinct from another of the same kind on the same episode: a re-grade
    twice is two events, a retried request is the same one."""
    if event == "episode.regraded":
        return str(episode.assessments.order_by("-pk").values_list("pk", flat=True).first())
    if event == "episode.found":
        found = episode.status_changes.filter(to_status=Status.FOUND).order_by("-pk").first()
        return str(found.pk if found else 0)
    return "1"


def event_key(event: str, episode: Episode, discriminator: str | None = None) -> str:
    return f"{event}:{episode.pk}:{discriminator or _discriminator(event, episode)}"


def _is_exploitation_or_high(episode: Episode) -> bool:
    if episode.risk == Risk.HIGH:
        return True
    day = timezone.now().date()
    return any(f.code in EXPLOITATION_FLAGS and f.is_current(day) for f in episode.child.flags.all())


def _neighbouring_forces(episode: Episode) -> list[Agency]:
    """Forces other than the child's in whose area the placement or the family is."""
    child = episode.child
    candidates = [
        child.placement_address.force if child.placement_address_id else None,  # type: ignore[union-attr]
        child.home_address.force if child.home_address_id else None,  # type: ignore[union-attr]
        child.care_provider.police_area if child.care_provider_id else None,  # type: ignore[union-attr]
        child.host_authority.police_area if child.host_authority_id else None,  # type: ignore[union-attr]
    ]
    return [f for f in candidates if f is not None and f.pk != episode.force_id]


def recipients_for(episode: Episode) -> list[Recipient]:
    """Everyone told about an event on ``episode``: the agencies responsible for the child, the child's
    force (read by its supervisors), its CSE team for high risk or exploitation, and neighbouring forces."""
    child = episode.child
    agencies = [child.placing_authority, child.host_authority, child.care_provider, episode.force]
    agencies += _neighbouring_forces(episode)
    out = [Recipient(a) for a in _unique(agencies)]
    if _is_exploitation_or_high(episode):
        out.append(Recipient(episode.force, target=CSE_TEAM, external=False))
    return out


def _unique(agencies: Iterable[Agency | None]) -> list[Agency]:
    seen: dict[int, Agency] = {}
    for a in agencies:
        if a is not None and a.active and a.pk not in seen:
            seen[a.pk] = a
    return list(seen.values())


def _row(
    event: str, key: str, episode: Episode | None, r: Recipient, channel: str, at: datetime, **kw: Any
) -> Alert:
    delivery_id = uuid.uuid4()
    child = kw.pop("about_child", None) or episode.child  # type: ignore[union-attr]
    payload = {
        "event": event,
        "episode_id": episode.pk if episode else None,
        "child_ref": child.ref,
        "risk": episode.risk if episode else "",
        "occurred_at": at.isoformat(),
        "delivery_id": str(delivery_id),
        **kw.pop("payload_extra", {}),
    }
    now = timezone.now()
    inbox = channel == AlertChannel.INBOX
    return Alert(
        delivery_id=delivery_id,
        event=event,
        event_key=key,
        episode=episode,
        child=child,
        recipient_agency=r.agency,
        recipient_user=r.user,
        channel=channel,
        payload=payload,
        status=AlertStatus.DELIVERED if inbox else AlertStatus.PENDING,  # the inbox is the app itself
        delivered_at=now if inbox else None,
        next_attempt_at=now,
        created_at=now,
        **kw,
    )


def _rows_for(
    event: str, key: str, episode: Episode | None, r: Recipient, at: datetime, **kw: Any
) -> list[Alert]:
    rows = [_row(event, key, episode, r, AlertChannel.INBOX, at, target=r.target, **kw)]
    if not r.external:
        return rows
    if r.agency.email:
        rows.append(_row(event, key, episode, r, AlertChannel.EMAIL, at, target=r.agency.email, **kw))
    for sub in _subscriptions(r.agency, event):
        rows.append(
            _row(event, key, episode, r, AlertChannel.WEBHOOK, at, target=str(sub.pk), subscription=sub, **kw)
        )
    return rows


def _subscriptions(agency: Agency, event: str) -> list[Subscription]:
    return [s for s in Subscription.objects.filter(agency=agency, active=True) if event in (s.events or [])]


def alerts_write(
    *,
    event: str,
    episode: Episode,
    recipients: list[Recipient],
    discriminator: str | None = None,
    occurred_at: datetime | None = None,
    payload_extra: dict[str, Any] | None = None,
) -> int:
    """Queue ``event`` for ``recipients`` (inside the caller's transaction). Returns the rows offered;
    duplicates of rows already queued for the same event are silently dropped by the unique key."""
    assert event in EVENTS, f"unknown alert event {event!r}"
    key = event_key(event, episode, discriminator)
    at = occurred_at or timezone.now()
    extra = {"payload_extra": payload_extra} if payload_extra else {}
    rows = [row for r in recipients for row in _rows_for(event, key, episode, r, at, **dict(extra))]
    Alert.objects.bulk_create(rows, ignore_conflicts=True)
    agencies = sorted({r.agency.code for r in recipients})
    access_record(
        user=None,
        action="disclose",
        record_type="episode",
        record_ids=[episode.pk],
        purpose=f"alert {event} queued for {', '.join(agencies)}"[:200],
    )
    return len(rows)


def alerts_for_event(*, event: str, episode: Episode, **extra: Any) -> int:
    """Queue alerts about ``event`` on ``episode`` for everyone who should hear of it. Must run inside
    the transaction of the change that caused it. ``extra`` may give ``discriminator``, ``occurred_at``."""
    return alerts_write(event=event, episode=episode, recipients=recipients_for(episode), **extra)


def child_alerts_write(
    *,
    event: str,
    child: Child,
    recipients: list[Recipient],
    key: str,
    occurred_at: datetime | None = None,
    payload_extra: dict[str, Any] | None = None,
) -> int:
    """Queue ``event`` about a ``child`` with no episode (a placement notice, a care home's missing
    notification) for ``recipients``, inside the caller's transaction. ``key`` makes the event unique
    (e.g. ``placement.notice:<notice id>``), so a retry never makes a second alert."""
    assert event in EVENTS, f"unknown alert event {event!r}"
    at = occurred_at or timezone.now()
    extra: dict[str, Any] = {"about_child": child}
    if payload_extra:
        extra["payload_extra"] = payload_extra
    rows = [row for r in recipients for row in _rows_for(event, key, None, r, at, **dict(extra))]
    Alert.objects.bulk_create(rows, ignore_conflicts=True)
    access_record(
        user=None,
        action="disclose",
        record_type="child",
        record_ids=[child.pk],
        purpose=f"alert {event} queued for {', '.join(sorted({r.agency.code for r in recipients}))}"[:200],
    )
    return len(rows)


def handover_alert_write(*, episode: Episode, new_owner: User, handover_id: int) -> int:
    """Tell the new owner of an episode, in their own inbox, that it is now theirs (caller's transaction)."""
    assert new_owner.agency is not None
    recipient = Recipient(
        agency=new_owner.agency, user=new_owner, target=f"user:{new_owner.pk}", external=False
    )
    return alerts_write(
        event=HANDED_OVER, episode=episode, recipients=[recipient], discriminator=str(handover_id)
    )


def personal_alert_write(
    *,
    event: str,
    episode: Episode,
    user: User | None,
    discriminator: str,
    acting_user: User | None = None,
    note: str = "",
    occurred_at: datetime | None = None,
) -> int:
    """Tell one person, in their own inbox only (never e-mail or a webhook), about ``event`` on ``episode``:
    nobody when there is no such active user, or when they did the thing themselves (caller's transaction)."""
    assert event in PERSONAL_EVENTS, f"not a personal event: {event!r}"
    if user is None or not user.is_active or user.agency is None or user == acting_user:
        return 0
    recipient = Recipient(agency=user.agency, user=user, target=f"user:{user.pk}", external=False)
    extra = {"payload_extra": {"note": note}} if note else {}
    return alerts_write(
        event=event,
        episode=episode,
        recipients=[recipient],
        discriminator=discriminator,
        occurred_at=occurred_at,
        **extra,
    )


def coordinators(force: Agency) -> list[Recipient]:
    """The force's missing person coordinators, or the force inbox when it has none."""
    users = User.objects.filter(agency=force, role=Role.COORDINATOR, is_active=True).order_by("pk")
    out = [Recipient(force, target=f"user:{u.pk}", user=u, external=False) for u in users]
    return out or [Recipient(force, target="coordinator", external=False)]


def floor_override_alert_write(*, episode: Episode, assessment: Any) -> int:
    """Tell the force's coordinators, in their own inboxes, that a duty inspector graded below a floor that
    binds people (caller's transaction). Police only: never a partner, an e-mail or a webhook."""
    who = assessment.created_by.get_full_name() if assessment.created_by_id else ""
    return alerts_write(
        event=FLOOR_OVERRIDDEN,
        episode=episode,
        recipients=coordinators(episode.force),
        discriminator=str(assessment.pk),
        payload_extra={
            "graded": f"{assessment.graded_category}, {assessment.graded_risk.replace('_', ' ')} risk",
            "by": who,
            "floors": [f["text"] for f in assessment.floors_overridden],
        },
    )


def duty_managers(force: Agency) -> list[Recipient]:
    """The force's duty managers (its supervisors), or the force inbox when it has none."""
    users = User.objects.filter(agency=force, role=Role.SUPERVISOR, is_active=True).order_by("pk")
    out = [Recipient(force, target=f"user:{u.pk}", user=u, external=False) for u in users]
    return out or [Recipient(force, target=DUTY_MANAGER, external=False)]


INCIDENT_LINKED = "incident.linked"


def incident_linked_alert_write(*, episode: Episode, incident: Any) -> int:
    """Tell the force's own systems (its webhook subscriptions for ``incident.linked``: the control room's
    command-and-control system) which episode a command-and-control incident led to, inside the caller's
    transaction. Webhook only: no inbox row and no e-mail, and never a partner (docs/incidents.md)."""
    force = episode.force
    key = event_key(INCIDENT_LINKED, episode, str(incident.pk))
    at = timezone.now()
    extra = {
        "incident_number": incident.number,
        "episode_reference": episode.reference,
        "link": incident.link_kind,
    }
    rows = [
        _row(
            INCIDENT_LINKED,
            key,
            episode,
            Recipient(force),
            AlertChannel.WEBHOOK,
            at,
            target=str(sub.pk),
            subscription=sub,
            payload_extra=extra,
        )
        for sub in _subscriptions(force, INCIDENT_LINKED)
    ]
    Alert.objects.bulk_create(rows, ignore_conflicts=True)
    if rows:
        access_record(
            user=None,
            action="disclose",
            record_type="episode",
            record_ids=[episode.pk],
            purpose=f"alert {INCIDENT_LINKED} queued for {force.code}"[:200],
        )
    return len(rows)


# --- the in-app inbox -------------------------------------------------------------------------------


def alert_acknowledge(*, alert_id: int, acting_user: User) -> Alert:
    """Acknowledge an inbox alert addressed to the user's agency (or to the user). Acknowledging twice
    is harmless: the first acknowledgement stands."""
    with transaction.atomic():
        alert = visible_alerts(acting_user).select_for_update().filter(pk=alert_id).first()
        if alert is None:
            raise Http404("No such alert")
        if alert.acknowledged_at is None:
            # The same event may sit in one inbox twice (the force and its CSE team): it is shown once,
            # so acknowledging it acknowledges both.
            same = visible_alerts(acting_user).filter(
                event_key=alert.event_key, recipient_user=alert.recipient_user, acknowledged_at__isnull=True
            )
            ids = list(same.values_list("pk", flat=True))
            now = timezone.now()
            same.update(status=AlertStatus.ACKNOWLEDGED, acknowledged_at=now, acknowledged_by=acting_user)
            access_record(user=acting_user, action="change", record_type="alert", record_ids=ids)
            alert.refresh_from_db()
        return alert
