"""API routes for multi-agency panels and strategy meetings: the panel list, record a meeting with its
actions, read one, and mark an action done. The panel pages' access rules and services (``partners.panels``): coordinators and
supervisors record meetings; a meeting is seen by its force's police and by a partner who sees every child it
discussed; an action is marked done by the police or the agency that owns it. Thin: parse, call, shape."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from ninja import Router, Status
from pydantic import Field

from misper.accounts.models import User
from misper.accounts.requests import AuthenticatedRequest
from misper.audit.services import access_record
from misper.core.api_schemas import Strict
from misper.core.errors import FieldError, InvalidInput
from misper.partners import panels
from misper.partners.models import Meeting

router = Router(tags=["panels"])
# The service names an action's fields as the page's form does (``action_owner_0``); the API's body names
# them ``actions[0].owner_agency``.
_ACTION_FIELD = re.compile(r"^action_(owner|due)_(\d+)$")
_BODY_NAME = {"owner": "owner_agency", "due": "due_on"}


class MeetingActionIn(Strict):
    text: str = Field(..., max_length=300)
    owner_agency: int | None = Field(
        None, ge=1, description="The agency that owns the action (GET /agencies)"
    )
    due_on: date | None = None


class MeetingIn(Strict):
    kind: str = Field(..., max_length=20, description="panel or strategy")
    held_on: date
    children: list[int] = Field(..., max_length=200, description="Ids of the children it discussed")
    attendees: list[Annotated[str, Field(max_length=300)]] = Field(
        ..., max_length=200, description='Who attended, each as "name, agency"'
    )
    decisions: str = Field(..., max_length=20000)
    actions: list[MeetingActionIn] = Field(default_factory=list, max_length=panels.MAX_ACTIONS)


def _user(request: AuthenticatedRequest) -> User:
    return request.user


def meeting_dict(meeting: Meeting) -> dict[str, Any]:
    d = panels.meeting_detail(meeting)
    return {
        "id": meeting.pk,
        "kind": meeting.kind,
        "held_on": meeting.held_on,
        "attendees": meeting.attendees,
        "decisions": meeting.decisions,
        "children": [{"id": c.pk, "ref": c.ref, "name": c.full_name} for c in d["children"]],
        "actions": [
            {
                "id": a.pk,
                "text": a.text,
                "owner_agency": a.owner_agency.name,
                "due_on": a.due_on,
                "completed_on": a.completed_on,
            }
            for a in d["actions"]
        ],
    }


def _row(r: panels.PanelRow) -> dict[str, Any]:
    return {
        "child_id": r.child.pk,
        "child_ref": r.child.ref,
        "child_name": r.child.full_name,
        "episodes_in_repeat_window": r.episodes_90d,
        "highest_grade": r.highest_grade,
        "last_missing": r.last_missing,
        "trigger_plan": r.plan_status,
        "return_interview": r.interview_status,
        "high_risk": r.high_risk,
        "repeat": r.repeat,
    }


@router.get("/panels", response=dict[str, Any])
def panel_get(request: AuthenticatedRequest) -> dict[str, Any]:
    """The month's panel list (children you see, missing in 30 days at high risk or repeatedly) and the
    meetings you may see, as the panel page shows them (police; partner practitioners, their children)."""
    user = _user(request)
    if not panels.may_see_panels(user):
        raise PermissionDenied(panels.NOT_FOR_YOU)
    rows, meetings = panels.panel_overview(user, request=request)
    return {
        "children": [_row(r) for r in rows],
        "meetings": [
            {
                "id": m.pk,
                "kind": m.kind,
                "held_on": m.held_on,
                "children": sorted(c.pk for c in m.children.all()),
            }
            for m in meetings
        ],
        "can_record": panels.may_record_meetings(user),
    }


def _body_field(name: str) -> str:
    m = _ACTION_FIELD.match(name)
    return f"actions[{m.group(2)}].{_BODY_NAME[m.group(1)]}" if m else name


@router.post("/panels/meetings", response={201: dict[str, Any]})
def meeting_create(request: AuthenticatedRequest, body: MeetingIn) -> Status[dict[str, Any]]:
    """Record a panel or strategy meeting with its actions (coordinators and supervisors)."""
    data = panels.MeetingInput(
        kind=body.kind,
        held_on=body.held_on,
        child_ids=body.children,
        attendee_lines=body.attendees,
        decisions=body.decisions,
        actions=[panels.ActionInput(a.text, a.owner_agency, a.due_on) for a in body.actions],
    )
    try:
        meeting = panels.meeting_create(data=data, acting_user=_user(request))
    except InvalidInput as exc:
        raise InvalidInput([FieldError(_body_field(e.field), e.message) for e in exc.errors]) from exc
    return Status(201, meeting_dict(meeting))


@router.get("/panels/meetings/{meeting_id}", response=dict[str, Any])
def meeting_get(request: AuthenticatedRequest, meeting_id: int) -> dict[str, Any]:
    user = _user(request)
    with transaction.atomic():
        meeting = panels.access_meeting_by_id(user, meeting_id)
        access_record(
            user=user, action="view", record_type="meeting", record_ids=[meeting.pk], request=request
        )
    return meeting_dict(meeting)


@router.post("/panels/meetings/{meeting_id}/actions/{meeting_action_id}/done", response=dict[str, Any])
def meeting_action_done(
    request: AuthenticatedRequest, meeting_id: int, meeting_action_id: int
) -> dict[str, Any]:
    """Mark a meeting's action done today (the police, or the agency that owns it; again keeps the date)."""
    panels.meeting_action_complete(
        meeting_id=meeting_id, action_id=meeting_action_id, acting_user=_user(request)
    )
    return meeting_dict(panels.access_meeting_by_id(_user(request), meeting_id))
