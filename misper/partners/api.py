"""API routes for partners: the agency directory, webhook subscriptions and the alert inbox.
Thin: parse, call one selector or service, shape the output."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import transaction
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from misper.audit.services import access_record
from misper.partners.alerts import alert_acknowledge
from misper.partners.models import Alert
from misper.partners.selectors import agency_list, alert_inbox
from misper.partners.subscriptions import subscription_create

router = Router(tags=["partners"])


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class AgencyOut(Schema):
    id: int
    name: str
    kind: str


class SubscriptionIn(Strict):
    agency: int = Field(description="The id of the agency subscribing (GET /agencies)")
    url: str = Field(max_length=500, description="http(s) URL that receives signed POSTs")
    secret: str = Field(min_length=16, max_length=200, description="Shared secret for the signature")
    events: list[str] = Field(min_length=1, max_length=20)


class SubscriptionOut(Schema):
    id: int
    agency: int
    url: str
    events: list[str]


class AlertOut(Schema):
    id: int
    delivery_id: UUID
    event: str
    episode_id: int | None
    child_ref: str
    risk: str
    occurred_at: str
    status: str
    created_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    details: dict[str, Any]

    @staticmethod
    def from_model(a: Alert) -> AlertOut:
        p = a.payload
        core = {"event", "episode_id", "child_ref", "risk", "occurred_at", "delivery_id"}
        return AlertOut(
            id=a.pk,
            delivery_id=a.delivery_id,
            event=a.event,
            episode_id=a.episode_id,
            child_ref=p.get("child_ref", ""),
            risk=p.get("risk", ""),
            occurred_at=p.get("occurred_at", ""),
            status=a.status,
            created_at=a.created_at,
            acknowledged_at=a.acknowledged_at,
            acknowledged_by=a.acknowledged_by.username if a.acknowledged_by else None,
            details={k: v for k, v in p.items() if k not in core},
        )


class AlertListOut(Schema):
    count: int
    items: list[AlertOut]


class Page(Strict):
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


@router.get("/agencies", response=list[AgencyOut])
def list_agencies(request: HttpRequest) -> list[AgencyOut]:
    return [AgencyOut(id=a.pk, name=a.name, kind=a.kind) for a in agency_list()]


@router.post("/subscriptions", response={201: SubscriptionOut})
def create_subscription(request: HttpRequest, body: SubscriptionIn) -> Status[SubscriptionOut]:
    sub = subscription_create(
        agency_id=body.agency,
        url=body.url,
        secret=body.secret,
        events=body.events,
        acting_user=request.user,  # type: ignore[arg-type]
    )
    return Status(201, SubscriptionOut(id=sub.pk, agency=sub.agency_id, url=sub.url, events=sub.events))


@router.get("/alerts", response=AlertListOut)
def list_alerts(request: HttpRequest, page: Query[Page]) -> AlertListOut:
    with transaction.atomic():
        count, items = alert_inbox(request.user, limit=page.limit, offset=page.offset)  # type: ignore[arg-type]
        episode_ids = sorted({a.episode_id for a in items if a.episode_id})
        access_record(
            user=request.user, action="list", record_type="alert", record_ids=episode_ids, request=request
        )
    return AlertListOut(count=count, items=[AlertOut.from_model(a) for a in items])


@router.post("/alerts/{alert_id}/acknowledge", response=AlertOut)
def acknowledge_alert(request: HttpRequest, alert_id: int) -> AlertOut:
    return AlertOut.from_model(alert_acknowledge(alert_id=alert_id, acting_user=request.user))  # type: ignore[arg-type]
