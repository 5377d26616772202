"""POST /api/v1/assessments: run the risk engine on a misper/1 document (the shared risk tool).

Stores nothing but an access event; the answer is exactly what ``misper assess`` prints."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from ninja import Query, Router, Schema

from misper import risk
from misper.audit.services import access_record
from misper.core.errors import FieldError, InvalidInput
from misper.core.http import json_body

router = Router(tags=["assessments"])


class PolicyQuery(Schema):
    policy: str | None = None


@router.post(
    "",
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": risk.load_schema()}}}
    },
)
def assess_document(request: HttpRequest, query: Query[PolicyQuery]) -> dict[str, Any]:
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
