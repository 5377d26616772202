"""Actions as work: an officer adds an action to an episode, assigns or reassigns it, and cancels one that
is no longer needed, with the reason. (Completing is ``services_work.action_complete``.)

Same rules as ``services.py``: keyword-only arguments, one transaction each, the access event written
inside it, InvalidInput (nothing saved), ConflictError (wrong state or a stale version) or PermissionDenied.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from misper.accounts.models import User
from misper.audit.services import access_record
from misper.core.errors import ConflictError, FieldError, InvalidInput
from misper.core.versions import version_check
from misper.episodes.models import Action, ActionSource, ActionStatus, Status
from misper.episodes.selectors import visible_episodes
from misper.episodes.services import _lock, _require_police

ACTION_STALE = "Someone else changed this action after you opened the page. Check it and try again."
ACTION_FINISHED = "This action is already finished."
EPISODE_CLOSED = "This episode is closed, so no actions can be added to it."
TITLE_NEEDED = "Enter what needs to be done"
ASSIGNEE_WRONG = "Choose an officer in your force"
REASON_NEEDED = "Say why this action is no longer needed"
DUE_TOO_FAR = "The due time must be within a year"
TITLE_MAX, REASON_MAX = 200, 2000


def police_check(user: User) -> None:
    """Actions are police information: anyone else is refused before any record is looked up."""
    _require_police(user)


def assignee_check(assignee: User | None, acting_user: User, field: str = "assigned_to") -> None:
    """An action is assigned only to an active police officer of the acting user's force."""
    if assignee is None:
        return
    if not (assignee.is_active and assignee.is_police and assignee.agency_id == acting_user.agency_id):
        raise InvalidInput(FieldError(field, ASSIGNEE_WRONG))


def lock_action(action_id: int, user: User, expected_version: int | None) -> Action:
    """The action, locked, if its episode is visible to ``user`` (else 404); a stale version is refused."""
    action = (
        Action.objects.select_for_update()
        .filter(pk=action_id, episode__in=visible_episodes(user))
        .select_related("episode")
        .first()
    )
    if action is None:
        raise Http404("No such action")
    version_check(current=action.version, expected=expected_version, stale_message=ACTION_STALE)
    return action


def action_add(
    *,
    episode_id: int,
    title: str,
    acting_user: User,
    assignee: User | None = None,
    due_at: datetime | None = None,
) -> Action:
    """Add an officer's own action to an open or found episode, optionally assigned and with a due time."""
    _require_police(acting_user)
    title = title.strip()
    errors = []
    if not title:
        errors.append(FieldError("title", TITLE_NEEDED))
    elif len(title) > TITLE_MAX:
        errors.append(FieldError("title", f"Enter at most {TITLE_MAX} characters"))
    if due_at is not None and abs(due_at - timezone.now()) > timedelta(days=366):
        errors.append(FieldError("due_at", DUE_TOO_FAR))
    if errors:
        raise InvalidInput(errors)
    assignee_check(assignee, acting_user)
    with transaction.atomic():
        episode = _lock(episode_id, acting_user)
        if episode.status == Status.CLOSED:
            raise ConflictError(EPISODE_CLOSED)
        action = Action.objects.create(
            episode=episode,
            code="manual",
            title=title,
            source=ActionSource.MANUAL,
            assigned_to=assignee,
            due_at=due_at,
            created_by=acting_user,
        )
        access_record(user=acting_user, action="change", record_type="episode", record_ids=[episode.pk])
        return action


def action_cancel(
    *, action_id: int, reason: str, acting_user: User, expected_version: int | None = None
) -> Action:
    """Cancel an open action that is no longer needed; the reason is kept as its outcome."""
    _require_police(acting_user)
    reason = reason.strip()
    if not reason:
        raise InvalidInput(FieldError("reason", REASON_NEEDED))
    if len(reason) > REASON_MAX:
        raise InvalidInput(FieldError("reason", f"Enter at most {REASON_MAX} characters"))
    with transaction.atomic():
        action = lock_action(action_id, acting_user, expected_version)
        if action.status != ActionStatus.OPEN:
            raise ConflictError(ACTION_FINISHED)
        action.status, action.outcome = ActionStatus.CANCELLED, reason
        action.completed_at, action.completed_by = timezone.now(), acting_user
        action.version += 1
        action.save(update_fields=["status", "outcome", "completed_at", "completed_by", "version"])
        access_record(
            user=acting_user, action="change", record_type="episode", record_ids=[action.episode_id]
        )
        return action
