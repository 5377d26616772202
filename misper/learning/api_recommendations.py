"""API routes for the recommendations tracker (HMIC and the force's own): read one, add or change a
recommendation and its actions, add progress updates and evidence links. The tracker pages' services and
access rule (``learning.services``, ``selectors.access_recommendation_by_id``): a force's own tracker only;
supervisors and coordinators write. Thin: parse, call one service, shape."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.shortcuts import get_object_or_404
from ninja import Router, Status
from pydantic import Field

from misper.accounts.models import User
from misper.accounts.requests import AuthenticatedRequest
from misper.core.api_schemas import Strict
from misper.learning import selectors, services
from misper.learning.models import Recommendation

router = Router(tags=["learning"])
Progress = Literal["not_started", "in_progress", "done"]


class RecommendationIn(Strict):
    source: str = Field(..., max_length=200, description="The report or inspection")
    reference: str = Field(..., max_length=40, description="Like R3; unique within the source")
    kind: Literal["recommendation", "area_for_improvement"]
    text: str = Field(..., max_length=20000)
    due_on: date | None = None
    owner: str = Field("", max_length=120, description="Person or role")
    status: Progress = "not_started"


class ActionIn(Strict):
    text: str = Field(..., max_length=20000)
    owner: str = Field("", max_length=120)
    due_on: date | None = None
    status: Progress = "not_started"


class UpdateIn(Strict):
    text: str = Field(..., max_length=20000)
    on: date | None = Field(None, description="Today when left out")


class EvidenceIn(Strict):
    label: str = Field(..., max_length=200, description="What it shows")
    url: str = Field(
        ..., max_length=500, description="A misper page like /learning/feedback, or an https:// address"
    )


def _user(request: AuthenticatedRequest) -> User:
    return request.user


def recommendation_dict(rec: Recommendation) -> dict[str, Any]:
    fields = ("source", "reference", "kind", "text", "due_on", "owner", "status")
    return {
        "id": rec.pk,
        **{f: getattr(rec, f) for f in fields},
        "actions": [
            {"id": a.pk, "text": a.text, "owner": a.owner, "due_on": a.due_on, "status": a.status}
            for a in rec.actions.all()
        ],
        "updates": [{"on": u.on, "text": u.text, "by": u.by_name} for u in rec.updates.all()],
        "evidence": [{"label": e.label, "url": e.url} for e in rec.evidence.all()],
    }


def _fresh(request: AuthenticatedRequest, rec_id: int) -> dict[str, Any]:
    return recommendation_dict(selectors.access_recommendation_by_id(_user(request), rec_id))


@router.get("/recommendations/{rec_id}", response=dict[str, Any])
def recommendation_get(request: AuthenticatedRequest, rec_id: int) -> dict[str, Any]:
    """One recommendation of your force's tracker, with its actions, updates and evidence."""
    return _fresh(request, rec_id)


@router.post("/recommendations", response={201: dict[str, Any]})
def recommendation_create(request: AuthenticatedRequest, body: RecommendationIn) -> Status[dict[str, Any]]:
    rec = services.recommendation_save(acting_user=_user(request), **body.model_dump())
    return Status(201, _fresh(request, rec.pk))


@router.post("/recommendations/{rec_id}", response=dict[str, Any])
def recommendation_change(
    request: AuthenticatedRequest, rec_id: int, body: RecommendationIn
) -> dict[str, Any]:
    """Change a recommendation: the whole of it, as the page saves it."""
    rec = selectors.access_recommendation_by_id(_user(request), rec_id)
    services.recommendation_save(acting_user=_user(request), recommendation=rec, **body.model_dump())
    return _fresh(request, rec_id)


@router.post("/recommendations/{rec_id}/actions", response={201: dict[str, Any]})
def action_create(request: AuthenticatedRequest, rec_id: int, body: ActionIn) -> Status[dict[str, Any]]:
    rec = selectors.access_recommendation_by_id(_user(request), rec_id)
    services.recommendation_action_save(acting_user=_user(request), recommendation=rec, **body.model_dump())
    return Status(201, _fresh(request, rec_id))


@router.post("/recommendations/{rec_id}/actions/{action_id}", response=dict[str, Any])
def action_change(
    request: AuthenticatedRequest, rec_id: int, action_id: int, body: ActionIn
) -> dict[str, Any]:
    rec = selectors.access_recommendation_by_id(_user(request), rec_id)
    action = get_object_or_404(rec.actions, pk=action_id)
    services.recommendation_action_save(
        acting_user=_user(request), recommendation=rec, action=action, **body.model_dump()
    )
    return _fresh(request, rec_id)


@router.post("/recommendations/{rec_id}/updates", response={201: dict[str, Any]})
def update_create(request: AuthenticatedRequest, rec_id: int, body: UpdateIn) -> Status[dict[str, Any]]:
    rec = selectors.access_recommendation_by_id(_user(request), rec_id)
    services.progress_update_add(acting_user=_user(request), recommendation=rec, text=body.text, on=body.on)
    return Status(201, _fresh(request, rec_id))


@router.post("/recommendations/{rec_id}/evidence", response={201: dict[str, Any]})
def evidence_create(request: AuthenticatedRequest, rec_id: int, body: EvidenceIn) -> Status[dict[str, Any]]:
    rec = selectors.access_recommendation_by_id(_user(request), rec_id)
    services.evidence_link_add(acting_user=_user(request), recommendation=rec, label=body.label, url=body.url)
    return Status(201, _fresh(request, rec_id))
