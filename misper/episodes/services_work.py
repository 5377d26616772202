"""Writes for working an episode from the pages: the report with where the child went missing from,
actions, handover, supervised reviews, and version-checked safe-and-well checks.

Same rules as ``services.py``: keyword-only arguments, one transaction each, the access event written
inside it, InvalidInput (nothing saved) or ConflictError (wrong state or a stale version) on refusal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from misper.accounts.models import User
from misper.audit.services import access_record
from misper.core.errors import ConflictError, FieldError, InvalidInput
from misper.episodes import schedules
from misper.episodes.action_services import ACTION_FINISHED, assignee_check, lock_action
from misper.episodes.models import (
    Action,
    ActionStatus,
    AssessmentKind,
    Episode,
    Review,
    Status,
)
from misper.episodes.services import (
    GradingOutcome,
    ReportOutcome,
    _check_version,
    _lock,
    _require_police,
    _save,
    episode_regrade,
    episode_report,
)
from misper.episodes.transitions import episode_transition
from misper.notifications.alerts import handover_alert_write
from misper.people.models import Location, LocationKind

HANDOVER_SELF = "Choose someone other than the current owner"
REVIEW_OTHER_FORCE = "Only the force that holds the child's record can review this episode."
HANDOVER_OTHER_FORCE = "Only the force that holds the child's record can hand this episode over."


def episode_report_with_place(
    *,
    doc: dict[str, Any],
    acting_user: User,
    missing_from: dict[str, str] | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
) -> ReportOutcome:
    """``episode_report`` plus what the misper/1 document has no room for: where the child went missing
    from (a Location, whose beat the briefing sheet uses) and who reported it. All or nothing."""
    with transaction.atomic():
        outcome = episode_report(doc=doc, acting_user=acting_user)
        episode = outcome.episode
        place = {k: v.strip() for k, v in (missing_from or {}).items() if v and v.strip()}
        if place:
            episode.missing_from = Location.objects.create(
                force=episode.force, kind=LocationKind.OTHER, **place
            )
            episode.beat = place.get("beat", "")
        episode.reporter_name, episode.reporter_phone = reporter_name, reporter_phone
        episode.save(update_fields=["missing_from", "beat", "reporter_name", "reporter_phone"])
        return outcome


# --- actions ------------------------------------------------------------------------------------------


def action_assign(
    *, action_id: int, acting_user: User, assignee: User | None = None, expected_version: int | None = None
) -> Action:
    """Assign or reassign an action to ``assignee`` (the acting user when not given): an active officer of
    the acting user's force."""
    _require_police(acting_user)
    assignee = assignee or acting_user
    assignee_check(assignee, acting_user)
    with transaction.atomic():
        action = lock_action(action_id, acting_user, expected_version)
        if action.status != ActionStatus.OPEN:
            raise ConflictError(ACTION_FINISHED)
        action.assigned_to, action.version = assignee, action.version + 1
        action.save(update_fields=["assigned_to", "version"])
        access_record(
            user=acting_user, action="change", record_type="episode", record_ids=[action.episode_id]
        )
        return action


def action_complete(
    *,
    action_id: int,
    acting_user: User,
    outcome: str,
    status: str = ActionStatus.DONE,
    expected_version: int | None = None,
) -> Action:
    """Mark an action done (or not needed) with its outcome, which is required."""
    _require_police(acting_user)
    if status not in (ActionStatus.DONE, ActionStatus.NOT_NEEDED):
        raise InvalidInput(FieldError("status", "Choose done or not needed"))
    if not outcome.strip():
        raise InvalidInput(FieldError("outcome", "Enter the outcome: what was done and what was found"))
    with transaction.atomic():
        action = lock_action(action_id, acting_user, expected_version)
        if action.status != ActionStatus.OPEN:
            raise ConflictError(ACTION_FINISHED)
        action.status, action.outcome = status, outcome.strip()
        action.completed_at, action.completed_by = timezone.now(), acting_user
        action.assigned_to = action.assigned_to or acting_user
        action.version += 1
        action.save()
        access_record(
            user=acting_user, action="change", record_type="episode", record_ids=[action.episode_id]
        )
        return action


# --- handover -----------------------------------------------------------------------------------------


def episode_handover(
    *, episode_id: int, new_owner: User, note: str, acting_user: User, expected_version: int | None = None
) -> Episode:
    """Hand an episode to a new owner (another shift or team). The handover is kept as a finished action
    assigned to the new owner, with the note as its outcome, so the history shows who had it when. Only
    the force holding the record hands it over (a host force gets PermissionDenied)."""
    _require_police(acting_user)
    errors = []
    if not note.strip():
        errors.append(FieldError("note", "Enter a handover note: what has been done and what is next"))
    if not (new_owner.is_police and new_owner.agency_id == acting_user.agency_id and new_owner.is_active):
        errors.append(FieldError("new_owner", "Choose an officer in your force"))
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        episode = _lock(episode_id, acting_user)
        if episode.force_id != acting_user.agency_id:  # a host force sees it; the case stays its force's
            raise PermissionDenied(HANDOVER_OTHER_FORCE)
        _check_version(episode, expected_version)
        if episode.owner_id == new_owner.pk:
            raise InvalidInput(FieldError("new_owner", HANDOVER_SELF))
        previous = episode.owner.get_full_name() if episode.owner else "nobody"
        now = timezone.now()
        handover = Action.objects.create(
            episode=episode,
            code="handover",
            title=f"Handed over from {previous} to {new_owner.get_full_name()}"[:200],
            source="handover",
            assigned_to=new_owner,
            due_at=now,
            status=ActionStatus.DONE,
            outcome=note.strip(),
            completed_at=now,
            completed_by=acting_user,
        )
        episode.owner = new_owner
        _save(episode, acting_user)
        access_record(user=acting_user, action="change", record_type="episode", record_ids=[episode.pk])
        handover_alert_write(episode=episode, new_owner=new_owner, handover_id=handover.pk)
        return episode


# --- supervised review --------------------------------------------------------------------------------


@dataclass
class ReviewOutcome:
    review: Review
    grading: GradingOutcome | None


def episode_review(
    *,
    episode_id: int,
    notes: str,
    acting_user: User,
    regrade: dict[str, str] | None = None,
    expected_version: int | None = None,
) -> ReviewOutcome:
    """Record a supervisor's review: notes, an optional re-grade (``{category, risk, rationale}``, which
    re-runs the engine through ``episode_regrade``) and the next review time set by the grade.
    The first review moves a reported episode to an active investigation."""
    if not acting_user.can_supervise:
        raise PermissionDenied("Only a supervisor or coordinator can review an episode.")
    if not notes.strip():
        raise InvalidInput(FieldError("notes", "Enter your review notes"))
    with transaction.atomic():
        episode = _lock(episode_id, acting_user)
        # a host force sees it; the review is the owning force's
        if episode.force_id != acting_user.agency_id:
            raise PermissionDenied(REVIEW_OTHER_FORCE)
        _check_version(episode, expected_version)
        if not episode.is_open:
            raise ConflictError("This episode is no longer open, so it is not reviewed.")
        grading = None
        if regrade:
            grading = episode_regrade(
                episode_id=episode.pk,
                category=regrade["category"],
                risk_grade=regrade["risk"],
                rationale=regrade.get("rationale", ""),
                acting_user=acting_user,
                kind=AssessmentKind.REVIEW,
                expected_version=episode.version,  # checked above, under the same lock
                override_reason=regrade.get("override_reason", ""),
            )
            episode.refresh_from_db()
        now = timezone.now()
        if episode.status == Status.REPORTED:
            episode_transition(episode=episode, to=Status.ACTIVE, acting_user=acting_user, at=now)
        episode.next_review_at = schedules.review_due_at(episode, now)
        review = Review.objects.create(
            episode=episode,
            reviewed_at=now,
            reviewer=acting_user,
            regraded=grading is not None,
            assessment=grading.assessment if grading else None,
            notes=notes.strip(),
            next_review_at=episode.next_review_at,
        )
        _save(episode, acting_user)
        access_record(user=acting_user, action="change", record_type="episode", record_ids=[episode.pk])
        return ReviewOutcome(review, grading)
