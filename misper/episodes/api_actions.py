"""API routes for an episode's actions as work: add, assign or reassign, complete, cancel with a reason.

Police only (actions are police information). Editing an existing action names the ``version`` read; a
stale one is a 409. An assignee is named by username and must be an active officer of the caller's force
(422 otherwise, the same answer whether or not the name exists elsewhere).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import Http404
from ninja import Router, Schema, Status
from pydantic import Field

from misper.accounts.models import User
from misper.accounts.requests import AuthenticatedRequest
from misper.core.api_schemas import Strict
from misper.core.errors import FieldError, InvalidInput
from misper.episodes import action_services, services_work
from misper.episodes.models import Action
from misper.episodes.selectors import access_episode_by_id

router = Router(tags=["actions"])


class ActionOut(Schema):
    id: int
    episode_id: int
    title: str
    source: str
    status: str
    due_at: datetime | None
    assigned_to: str | None
    outcome: str
    version: int

    @staticmethod
    def from_model(a: Action) -> ActionOut:
        return ActionOut(
            id=a.pk,
            episode_id=a.episode_id,
            title=a.title,
            source=a.source,
            status=a.status,
            due_at=a.due_at,
            assigned_to=a.assigned_to.username if a.assigned_to else None,
            outcome=a.outcome,
            version=a.version,
        )


class ActionAddIn(Strict):
    title: str = Field(..., max_length=200)
    assigned_to: str | None = Field(None, max_length=150, description="Username of an officer in your force")
    due_at: datetime | None = None


class ActionAssignIn(Strict):
    assigned_to: str | None = Field(
        None, max_length=150, description="Username; leave out to take it yourself"
    )
    version: int = Field(
        ..., ge=1, le=2**31 - 1, description="The action version you read; a stale one gets 409"
    )


class ActionCompleteIn(Strict):
    outcome: str = Field(..., max_length=5000)
    status: Literal["done", "not_needed"] = "done"
    version: int = Field(..., ge=1, le=2**31 - 1)


class ActionCancelIn(Strict):
    reason: str = Field(..., max_length=2000)
    version: int = Field(..., ge=1, le=2**31 - 1)


def _officer(username: str | None, request: AuthenticatedRequest) -> User | None:
    """The named officer of the caller's force; any other name is a 422 that says nothing more."""
    if username is None:
        return None
    me = request.user
    force = me.agency_id
    officer = (
        None
        if force is None
        else User.objects.filter(username=username, agency_id=force, is_active=True).first()
    )
    if officer is None or not officer.is_police:
        raise InvalidInput(FieldError("assigned_to", action_services.ASSIGNEE_WRONG))
    return officer


def _action_id(request: AuthenticatedRequest, episode_id: int, action_id: int) -> int:
    """404 unless the action belongs to this episode and the episode is visible to the caller."""
    episode = access_episode_by_id(request.user, episode_id)
    if not Action.objects.filter(pk=action_id, episode=episode).exists():
        raise Http404("No such action")
    return action_id


@router.post("/{episode_id}/actions", response={201: ActionOut})
def add_action(request: AuthenticatedRequest, episode_id: int, body: ActionAddIn) -> Status[ActionOut]:
    action_services.police_check(request.user)
    action = action_services.action_add(
        episode_id=episode_id,
        title=body.title,
        assignee=_officer(body.assigned_to, request),
        due_at=body.due_at,
        acting_user=request.user,
    )
    return Status(201, ActionOut.from_model(action))


@router.post("/{episode_id}/actions/{action_id}/assign", response=ActionOut)
def assign_action(
    request: AuthenticatedRequest, episode_id: int, action_id: int, body: ActionAssignIn
) -> ActionOut:
    action_services.police_check(request.user)
    action = services_work.action_assign(
        action_id=_action_id(request, episode_id, action_id),
        assignee=_officer(body.assigned_to, request),
        acting_user=request.user,
        expected_version=body.version,
    )
    return ActionOut.from_model(action)


@router.post("/{episode_id}/actions/{action_id}/complete", response=ActionOut)
def complete_action(
    request: AuthenticatedRequest, episode_id: int, action_id: int, body: ActionCompleteIn
) -> ActionOut:
    action_services.police_check(request.user)
    action = services_work.action_complete(
        action_id=_action_id(request, episode_id, action_id),
        outcome=body.outcome,
        status=body.status,
        acting_user=request.user,
        expected_version=body.version,
    )
    return ActionOut.from_model(action)


@router.post("/{episode_id}/actions/{action_id}/cancel", response=ActionOut)
def cancel_action(
    request: AuthenticatedRequest, episode_id: int, action_id: int, body: ActionCancelIn
) -> ActionOut:
    action_services.police_check(request.user)
    action = action_services.action_cancel(
        action_id=_action_id(request, episode_id, action_id),
        reason=body.reason,
        acting_user=request.user,
        expected_version=body.version,
    )
    return ActionOut.from_model(action)
