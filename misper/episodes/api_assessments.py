"""POST /api/v1/assessments: run the risk engine on a misper/1 document (the shared risk tool). Stores
nothing but an access event; the answer is exactly what ``misper assess`` prints.

POST /api/v1/assessments/{id}/decision: a supervisor's decision on a grading below the recommendation
(``episodes.services.assessment_decide``; whoever made the grading is refused with a 403)."""

from __future__ import annotations

from typing import Any, Literal

from django.conf import settings
from django.db import transaction
from ninja import Query, Router, Schema
from pydantic import Field

from misper import risk
from misper.accounts.requests import AuthenticatedRequest
from misper.audit.services import access_record
from misper.core.api_schemas import EditVersion, Strict
from misper.core.errors import FieldError, InvalidInput
from misper.core.http import json_body
from misper.episodes import services
from misper.episodes.schemas import AssessmentOut, assessment_out

router = Router(tags=["assessments"])


class PolicyQuery(Schema):
    policy: str | None = None


@router.post(
    "",
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": risk.load_schema()}}}
    },
)
def assess_document(request: AuthenticatedRequest, query: Query[PolicyQuery]) -> dict[str, Any]:
    doc = json_body(request)
    name = query.policy or settings.MISPER_RISK_POLICY
    if name not in risk.available_policies():
        raise InvalidInput(
            FieldError("policy", f"Unknown policy {name!r}: choose one of {risk.available_policies()}")
        )
    try:
        result: dict[str, Any] = risk.assess(doc, name)
    except risk.InvalidDocument as exc:
        raise InvalidInput(FieldError(exc.field, exc.message)) from exc
    with transaction.atomic():
        access_record(
            user=request.user, action="assess", record_type="document", record_ids=[], request=request
        )
    return result


class GradingDecisionIn(Strict):
    decision: Literal["approve", "reject"]
    note: str = Field("", max_length=5000)
    version: EditVersion = Field(description="The episode version you decided on; a stale one is a 409")
    override_reason: str = Field(
        "",
        max_length=5000,
        description="A duty inspector's reason for approving below a floor that binds now (else a 422)",
    )


@router.post("/{assessment_id}/decision", response=AssessmentOut)
def decide(request: AuthenticatedRequest, assessment_id: int, body: GradingDecisionIn) -> AssessmentOut:
    assessment = services.assessment_decide(
        assessment_id=assessment_id,
        approve=body.decision == "approve",
        note=body.note,
        acting_user=request.user,
        expected_version=body.version,
        override_reason=body.override_reason,
    )
    return assessment_out(assessment, request.user)
