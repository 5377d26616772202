"""API routes for return home interviews: the agency's queue, one interview as its page shows it, and the
provider (or the responsible authority) recording what happened, with the child's account and the findings.
The interview pages' access rule (``selectors.access_interview_by_id``), projection
(``projections.interview_view_for``: the child's own account only for the interview's agencies) and service
(``interviews.return_interview_record``). Thin: parse, call one selector or service, shape."""

from __future__ import annotations

from typing import Any, Literal

from django.db import transaction
from ninja import Router, Schema
from pydantic import AwareDatetime, Field

from misper.accounts.models import User
from misper.accounts.requests import AuthenticatedRequest
from misper.audit.services import access_record
from misper.core.api_schemas import EditVersion, Strict
from misper.partners import interviews, lists
from misper.partners.projections import interview_view_for
from misper.partners.selectors import access_interview_by_id

router = Router(tags=["return interviews"])
TEXT_MAX = 10000  # as the page's boxes


class InterviewListOut(Schema):
    count: int
    items: list[dict[str, Any]] = Field(
        description="The rows of the queue page and its CSV: to do (soonest due first), then finished"
    )


class InterviewRecordIn(Strict):
    status: Literal["offered", "accepted", "declined", "completed", "not_possible"]
    at: AwareDatetime = Field(description="When it happened, with its offset, e.g. 2026-03-01T10:00:00+00:00")
    interviewer_name: str = Field("", max_length=100, description="Required when completed")
    child_account: str = Field(
        "", max_length=TEXT_MAX, description="The child's own words (required when completed)"
    )
    push_factors: str = Field("", max_length=TEXT_MAX)
    pull_factors: str = Field("", max_length=TEXT_MAX)
    risks_found: str = Field("", max_length=TEXT_MAX)
    what_should_change: str = Field("", max_length=TEXT_MAX)
    child_wishes: str = Field("", max_length=TEXT_MAX)
    proposed_trigger_plan_change: str = Field(
        "", max_length=TEXT_MAX, description="Becomes an open proposal on the child's trigger plan"
    )
    version: EditVersion


def _user(request: AuthenticatedRequest) -> User:
    return request.user


@router.get("/return-interviews", response=InterviewListOut)
def interview_list(request: AuthenticatedRequest) -> InterviewListOut:
    """Your agency's queue (police: their force's children's interviews); logged as a list."""
    rows = lists.list_read(user=_user(request), record_type="return_interview", request=request)
    return InterviewListOut(count=len(rows), items=rows)


@router.get("/return-interviews/{interview_id}", response=dict[str, Any])
def interview_get(request: AuthenticatedRequest, interview_id: int) -> dict[str, Any]:
    """One interview: status, dates and the agreed findings for everyone who sees the child; the child's
    account only for the interview's provider and responsible authority. Logged as a read."""
    user = _user(request)
    with transaction.atomic():
        interview = access_interview_by_id(user, interview_id)
        access_record(
            user=user,
            action="view",
            record_type="return_interview",
            record_ids=[interview.pk],
            request=request,
        )
    return interview_view_for(user, interview)


@router.post("/return-interviews/{interview_id}", response=dict[str, Any])
def interview_record(
    request: AuthenticatedRequest, interview_id: int, body: InterviewRecordIn
) -> dict[str, Any]:
    """Record what happened: offered, accepted, declined, completed or not possible (forwards only; a
    finished interview is not changed again). The provider or the responsible authority only."""
    user = _user(request)
    data = interviews.InterviewRecord(**body.model_dump(exclude={"version"}))
    interviews.return_interview_record(
        interview_id=interview_id, data=data, acting_user=user, expected_version=body.version
    )
    return interview_view_for(user, access_interview_by_id(user, interview_id))
