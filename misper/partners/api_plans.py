"""API routes for a child's trigger plan: read it (the current version, earlier ones and the open proposals)
and write a new version. The trigger plan pages' access rule and service (``partners.plans``): police of a
force that sees the child, or its placing or host authority, may write; anyone who sees the child may read.
Thin: parse, call one selector or service, shape."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from django.db import transaction
from ninja import Router, Schema, Status
from pydantic import Field

from misper.accounts.models import User
from misper.accounts.requests import AuthenticatedRequest
from misper.audit.services import access_record
from misper.core.api_schemas import Strict
from misper.partners import plans, selectors
from misper.partners.models import TriggerPlan, TriggerPlanProposal
from misper.people.selectors import access_child_by_id

router = Router(tags=["trigger plans"])


class TriggerPlanOut(Schema):
    version: int
    minimum_risk: str
    actions: list[str]
    agreed_by: str
    agencies: list[int] = Field(description="The ids of the agencies that agreed it")
    agreed_on: date
    review_on: date | None
    superseded_at: datetime | None

    @staticmethod
    def from_model(p: TriggerPlan) -> TriggerPlanOut:
        return TriggerPlanOut(**plans.plan_dict(p))


class ProposalOut(Schema):
    id: int
    text: str
    agency: str
    created_at: datetime
    return_interview_id: int | None

    @staticmethod
    def from_model(p: TriggerPlanProposal) -> ProposalOut:
        return ProposalOut(
            id=p.pk,
            text=p.text,
            agency=p.agency.name if p.agency else "",
            created_at=p.created_at,
            return_interview_id=p.return_interview_id,
        )


class TriggerPlanPageOut(Schema):
    child_id: int
    version: int = Field(description="The current version (0: none yet): name it when you write a new one")
    current: TriggerPlanOut | None
    earlier: list[TriggerPlanOut]
    proposals: list[ProposalOut] = Field(description="Open proposals, e.g. from a return interview")
    can_change: bool = Field(description="Whether you may write a new version")


class TriggerPlanIn(Strict):
    minimum_risk: str = Field(
        ..., max_length=20, description="no_apparent_risk, very_low, low, medium or high"
    )
    actions: list[Annotated[str, Field(max_length=2000)]] = Field(
        ..., max_length=100, description=f"One to {plans.MAX_ACTIONS} actions, each 300 characters or fewer"
    )
    agreed_by: str = Field(..., max_length=300, description="Who agreed it, with their agencies")
    agreed_on: date
    review_on: date | None = None
    agencies: list[int] = Field(
        default_factory=list,
        max_length=20,
        description="Agencies that agreed it: the child's force, placing or host authority, care provider",
    )
    proposals: list[int] = Field(default_factory=list, max_length=100, description="Open proposals it adopts")
    version: int = Field(
        ...,
        ge=0,
        le=2**31 - 1,
        description="The current version you read (0 when there is no plan yet); a stale one is a 409",
    )


def _user(request: AuthenticatedRequest) -> User:
    return request.user


@router.get("/children/{child_id}/trigger-plan", response=TriggerPlanPageOut)
def trigger_plan_get(request: AuthenticatedRequest, child_id: int) -> TriggerPlanPageOut:
    """The child's trigger plan as its page shows it; logged as a read of the plan."""
    user = _user(request)
    with transaction.atomic():
        child = access_child_by_id(user, child_id)
        history = selectors.trigger_plan_history(child)
        access_record(
            user=user, action="view", record_type="trigger_plan", record_ids=[child.pk], request=request
        )
    current = history[0] if history and history[0].superseded_at is None else None
    return TriggerPlanPageOut(
        child_id=child.pk,
        version=current.version if current else 0,
        current=TriggerPlanOut.from_model(current) if current else None,
        earlier=[TriggerPlanOut.from_model(p) for p in history if p is not current],
        proposals=[ProposalOut.from_model(p) for p in selectors.open_proposals(child)],
        can_change=plans.may_change_plan(user, child),
    )


@router.post("/children/{child_id}/trigger-plan", response={201: TriggerPlanOut})
def trigger_plan_write(
    request: AuthenticatedRequest, child_id: int, body: TriggerPlanIn
) -> Status[TriggerPlanOut]:
    """A new version of the plan; the current one is superseded. The engine grades the child's next report
    at least ``minimum_risk``."""
    data = plans.PlanInput(
        minimum_risk=body.minimum_risk,
        actions=body.actions,
        agreed_by=body.agreed_by,
        agreed_on=body.agreed_on,
        review_on=body.review_on,
        agency_ids=body.agencies,
    )
    plan = plans.trigger_plan_create(
        child_id=child_id,
        data=data,
        acting_user=_user(request),
        expected_version=body.version,
        proposal_ids=body.proposals,
    )
    return Status(201, TriggerPlanOut.from_model(plan))
