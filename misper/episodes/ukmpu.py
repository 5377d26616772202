"""The UK Missing Persons Unit notice: what must be sent once a person has been missing 72 hours, whether
it is due, sent or late, and the one service that records that it was sent.

The 72-hour point and the allowance after which a notice is late come from ``schedules.thresholds()``
(the loaded policy's ``long_missing_hours`` and ``MISPER_UKMPU_NOTICE_ALLOWANCE_HOURS``); the alert
``episode.missing_72h`` is raised by the sweep as before. See docs/ukmpu.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Q
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from misper.accounts.models import User
from misper.audit.services import access_record
from misper.core.errors import ConflictError, FieldError, InvalidInput
from misper.episodes import schedules
from misper.episodes.actions import action_finish_by_code, format_when
from misper.episodes.models import Episode, NoticeMethod, UkmpuNotice
from misper.episodes.schedules import OPEN_STATUSES
from misper.episodes.selectors import visible_episodes
from misper.episodes.ukmpu_fields import notice_content, notice_lines

EXPORT_FORMAT = "misper-ukmpu-notice/1"
NOT_ALLOWED = "Only a missing person coordinator, supervisor or duty inspector can see or record this notice."
NOT_YET = "{name} has not been missing {hours} hours, so no notice is due yet."
NOT_NEEDED = "Not needed: found before the 72-hour point"
ALREADY_SENT = "The notice for this episode was already recorded as sent on {when} by {who}."


@dataclass(frozen=True)
class NoticeState:
    """Where an episode's notice stands: ``not_due`` (not missing 72 hours), ``due``, ``late`` (not sent
    within the allowance), ``sent`` or ``sent_late``, with a sentence saying so."""

    code: str
    words: str
    due_at: datetime
    late_at: datetime

    @property
    def to_send(self) -> bool:
        return self.code in ("due", "late")


def missing_since(episode: Episode) -> datetime:
    return episode.last_seen_at or episode.reported_at


def notice_due_at(episode: Episode, limits: schedules.Thresholds | None = None) -> datetime:
    """The 72-hour point: the policy's ``ukmpu_after`` from when the person was last seen (or reported)."""
    return missing_since(episode) + (limits or schedules.thresholds()).ukmpu_after


def notice_reached(episode: Episode, now: datetime, due_at: datetime) -> bool:
    """True when the person was still missing at the 72-hour point (now, or when they were found)."""
    if episode.is_open:
        return now >= due_at
    return episode.found_at is not None and episode.found_at >= due_at


def notice_of(episode: Episode) -> UkmpuNotice | None:
    try:
        return episode.ukmpu_notice
    except UkmpuNotice.DoesNotExist:
        return None


def notice_state(episode: Episode, now: datetime | None = None) -> NoticeState:
    now = now or timezone.now()
    limits = schedules.thresholds()
    due = notice_due_at(episode, limits)
    late_at = due + limits.ukmpu_late_after
    sent = notice_of(episode)
    if sent is not None:
        code = "sent_late" if sent.sent_at > late_at else "sent"
        words = f"Sent on {format_when(sent.sent_at)} by {sent.sent_by_name}"
        words += f" ({sent.get_method_display().lower()})" + (
            f", more than {limits.ukmpu_late_hours} hours after it was due" if code == "sent_late" else ""
        )
        return NoticeState(code, words, due, late_at)
    if not notice_reached(episode, now, due):
        words = f"Not due yet: due at {format_when(due)} if still missing" if episode.is_open else NOT_NEEDED
        return NoticeState("not_due", words, due, late_at)
    if now > late_at:
        return NoticeState("late", f"Late: due on {format_when(due)} and not yet sent", due, late_at)
    return NoticeState(
        "due", f"Due since {format_when(due)}: send it by {format_when(late_at)}", due, late_at
    )


# --- access -------------------------------------------------------------------------------------------


def may_handle_notices(user: User) -> bool:
    return user.can_supervise


def access_notice_episode(user: User, episode_id: int) -> Episode:
    """An episode of the user's own force whose notice the user may see (PermissionDenied for a role
    that may not; 404 for an episode that is not the force's own, so another force learns nothing)."""
    if not may_handle_notices(user):
        raise PermissionDenied(NOT_ALLOWED)
    episode = (
        visible_episodes(user)
        .filter(pk=episode_id, force=user.agency)
        .select_related("child", "force", "owner", "missing_from", "child__placing_authority")
        .first()
    )
    if episode is None:
        raise Http404("No such episode")
    return episode


def notices_to_send(user: User, now: datetime | None = None) -> list[tuple[Episode, NoticeState]]:
    """The force's episodes past the 72-hour point with no notice recorded, the longest-due first."""
    if not may_handle_notices(user):
        raise PermissionDenied(NOT_ALLOWED)
    now = now or timezone.now()
    limits = schedules.thresholds()
    since = Coalesce("last_seen_at", "reported_at", output_field=DateTimeField())
    point = ExpressionWrapper(F("since") + limits.ukmpu_after, output_field=DateTimeField())
    candidates = (
        visible_episodes(user)
        .filter(force=user.agency, ukmpu_notice__isnull=True)
        .annotate(since=since)
        .filter(Q(status__in=OPEN_STATUSES, since__lte=now - limits.ukmpu_after) | Q(found_at__gte=point))
        .select_related("child", "owner")
    )
    rows = [(e, notice_state(e, now)) for e in candidates]
    return sorted((r for r in rows if r[1].to_send), key=lambda r: r[1].due_at)


def notices_sent(user: User, days: int = 30) -> list[UkmpuNotice]:
    if not may_handle_notices(user):
        raise PermissionDenied(NOT_ALLOWED)
    since = timezone.now() - timedelta(days=days)
    return list(
        UkmpuNotice.objects.filter(episode__force=user.agency, sent_at__gte=since)
        .select_related("episode", "episode__child")
        .order_by("-sent_at")
    )


# --- the one write ------------------------------------------------------------------------------------

MAX_REFERENCE, MAX_NOTES = 40, 5000


def ukmpu_notice_record(
    *,
    episode_id: int,
    sent_at: datetime,
    method: str,
    acting_user: User,
    ukmpu_reference: str = "",
    notes: str = "",
) -> UkmpuNotice:
    """Record that the notice for ``episode_id`` was sent at ``sent_at`` by ``method``: what was sent is
    kept as it stood. Once per episode (ConflictError after), only once the person has been missing 72
    hours (ConflictError before), by a coordinator, supervisor or duty inspector of the episode's force.
    Finishes the engine's "tell the UK Missing Persons Unit" action; the disclosure is logged."""
    errors = _input_errors(sent_at, method, ukmpu_reference, notes)
    with transaction.atomic():
        episode = access_notice_episode(acting_user, episode_id)
        Episode.objects.select_for_update().filter(pk=episode.pk).first()
        if sent_at < episode.reported_at:
            errors.append(FieldError("sent_at", "The notice cannot be sent before the child was reported"))
        if errors:
            raise InvalidInput(errors)
        state = notice_state(episode)
        if state.code == "not_due":
            limits = schedules.thresholds()
            raise ConflictError(NOT_YET.format(name=episode.child.full_name, hours=limits.ukmpu_hours))
        existing = notice_of(episode)
        if existing is not None:
            raise ConflictError(
                ALREADY_SENT.format(when=format_when(existing.sent_at), who=existing.sent_by_name)
            )
        notice = UkmpuNotice.objects.create(
            episode=episode,
            sent_at=sent_at,
            sent_by=acting_user,
            sent_by_name=acting_user.get_full_name() or acting_user.username,
            method=method,
            ukmpu_reference=ukmpu_reference.strip(),
            notes=notes.strip(),
            content=notice_content(episode, sent_at),
            due_at=state.due_at,
        )
        action_finish_by_code(
            episode=episode,
            code="notify_ukmpu",
            outcome=f"Notice sent on {format_when(sent_at)} ({notice.get_method_display().lower()}).",
            acting_user=acting_user,
            at=timezone.now(),
        )
        access_record(
            user=acting_user,
            action="disclose",
            record_type="episode",
            record_ids=[episode.pk, episode.child_id],
            purpose=f"UK Missing Persons Unit notice sent ({notice.get_method_display().lower()})",
        )
        return notice


def _input_errors(sent_at: datetime, method: str, reference: str, notes: str) -> list[FieldError]:
    errors = []
    if sent_at > timezone.now() + timedelta(minutes=5):
        errors.append(FieldError("sent_at", "The time sent cannot be in the future"))
    if method not in NoticeMethod.values:
        choices = ", ".join(NoticeMethod.values)
        errors.append(FieldError("method", f"Choose how it was sent: one of {choices}"))
    if len(reference) > MAX_REFERENCE:
        errors.append(FieldError("ukmpu_reference", f"Use {MAX_REFERENCE} characters or fewer"))
    if len(notes) > MAX_NOTES:
        errors.append(FieldError("notes", f"Use {MAX_NOTES} characters or fewer"))
    return errors


# --- the export ---------------------------------------------------------------------------------------


def notice_export(episode: Episode, now: datetime | None = None) -> dict[str, Any]:
    """The documented JSON export (docs/ukmpu.md): what was sent, or what must be sent now."""
    now = now or timezone.now()
    state = notice_state(episode, now)
    sent = notice_of(episode)
    content = sent.content if sent is not None else notice_content(episode, now)
    return {
        "format": EXPORT_FORMAT,
        "force": {"code": episode.force.code, "name": episode.force.name},
        "episode": {"id": episode.pk, "reference": episode.reference},
        "status": state.code,
        "status_words": state.words,
        "due_at": state.due_at.isoformat(),
        "late_after": state.late_at.isoformat(),
        "fields": [{"key": k, "label": t, "value": v} for k, t, v in notice_lines(content)],
        "sent": None
        if sent is None
        else {
            "sent_at": sent.sent_at.isoformat(),
            "sent_by": sent.sent_by_name,
            "method": sent.method,
            "method_words": sent.get_method_display(),
            "ukmpu_reference": sent.ukmpu_reference,
            "notes": sent.notes,
            "recorded_at": sent.recorded_at.isoformat(),
        },
    }
