"""API routes for partners: the agency directory, webhook subscriptions, the alert inbox and placement
notices (list, send, acknowledge, read, end: the placement pages' services and access rules).
Thin: parse, call one selector or service, shape the output."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from django.db import transaction
from ninja import Query, Router, Schema, Status
from pydantic import Field

from misper.accounts.requests import AuthenticatedRequest
from misper.audit.services import access_record
from misper.core.api_schemas import Page, Strict
from misper.notifications.alerts import alert_acknowledge
from misper.notifications.models import Alert
from misper.notifications.selectors import alert_inbox
from misper.notifications.subscriptions import subscription_create
from misper.partners import lists, placement_ending, placements
from misper.partners.models import PlacementNotice
from misper.partners.selectors import agency_list

router = Router(tags=["partners"])


class AgencyOut(Schema):
    id: int
    code: str = Field(description="The code a misper/1 document names the agency by (placing_authority …)")
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


@router.get("/agencies", response=list[AgencyOut])
def list_agencies(request: AuthenticatedRequest) -> list[AgencyOut]:
    return [AgencyOut(id=a.pk, code=a.code, name=a.name, kind=a.kind) for a in agency_list()]


@router.post("/subscriptions", response={201: SubscriptionOut})
def create_subscription(request: AuthenticatedRequest, body: SubscriptionIn) -> Status[SubscriptionOut]:
    sub = subscription_create(
        agency_id=body.agency,
        url=body.url,
        secret=body.secret,
        events=body.events,
        acting_user=request.user,
    )
    return Status(201, SubscriptionOut(id=sub.pk, agency=sub.agency_id, url=sub.url, events=sub.events))


@router.get("/alerts", response=AlertListOut)
def list_alerts(request: AuthenticatedRequest, page: Query[Page]) -> AlertListOut:
    with transaction.atomic():
        count, items = alert_inbox(request.user, limit=page.limit, offset=page.offset)
        episode_ids = sorted({a.episode_id for a in items if a.episode_id})
        access_record(
            user=request.user, action="list", record_type="alert", record_ids=episode_ids, request=request
        )
    return AlertListOut(count=count, items=[AlertOut.from_model(a) for a in items])


@router.post("/alerts/{alert_id}/acknowledge", response=AlertOut)
def acknowledge_alert(request: AuthenticatedRequest, alert_id: int) -> AlertOut:
    return AlertOut.from_model(alert_acknowledge(alert_id=alert_id, acting_user=request.user))


# --- placement notices -------------------------------------------------------------------------------


class PlacementNoticeOut(Schema):
    id: int
    version: int
    child_id: int
    child_ref: str
    placing_authority: str
    host_force: str
    host_authority: str | None
    placement_type: str
    placement: str
    starts_on: date
    ends_on: date | None
    end_reason: str
    ended_at: datetime | None
    current: bool
    known_risks: str

    @staticmethod
    def from_model(n: PlacementNotice) -> PlacementNoticeOut:
        return PlacementNoticeOut(
            id=n.pk,
            version=n.version,
            child_id=n.child_id,
            child_ref=n.child.ref,
            placing_authority=n.placing_authority.name,
            host_force=n.host_force.name,
            host_authority=n.host_authority.name if n.host_authority else None,
            placement_type=n.placement_type,
            placement=str(n.placement or ""),
            starts_on=n.starts_on,
            ends_on=n.ends_on,
            end_reason=n.end_reason,
            ended_at=n.ended_at,
            current=not placement_ending.is_ended(n),
            known_risks=n.known_risks,
        )


class PlacementEndIn(Strict):
    # Optional here so that the access check runs first; the service names each missing field (422).
    ended_on: date | None = Field(None, description="The last day of the placement (not in the future)")
    reason: str = Field("", max_length=placement_ending.REASON_MAX, description="Why the placement ended")
    version: int | None = Field(None, description="The notice's version, from GET /placements/{id}")


@router.get("/placements/{notice_id}", response=PlacementNoticeOut)
def get_placement(request: AuthenticatedRequest, notice_id: int) -> PlacementNoticeOut:
    with transaction.atomic():
        notice = placement_ending.access_notice_by_id(request.user, notice_id)
        access_record(
            user=request.user, action="view", record_type="placement_notice", record_ids=[notice.pk],
            request=request,
        )  # fmt: skip
    return PlacementNoticeOut.from_model(notice)


@router.post("/placements/{notice_id}/end", response=PlacementNoticeOut)
def end_placement(request: AuthenticatedRequest, notice_id: int, body: PlacementEndIn) -> PlacementNoticeOut:
    """End a placement (the placing authority, or the host force's coordinators and supervisors)."""
    user = request.user
    notice = placement_ending.access_notice_by_id(user, notice_id)
    ended = placement_ending.placement_end(
        user=user,
        notice=notice,
        ended_on=body.ended_on,
        reason=body.reason,
        version=body.version,
    )
    return PlacementNoticeOut.from_model(ended)


class PlacementIn(Strict):
    child: int | None = Field(
        None, ge=1, description="A child on file you may place; leave out to describe a child new to the area"
    )
    given_name: str = Field("", max_length=100, description="A child new to the area: first name")
    family_name: str = Field("", max_length=100, description="A child new to the area: last name")
    date_of_birth: date | None = Field(None, description="A child new to the area: date of birth")
    sex: Literal["female", "male", "other", "unknown"] = "unknown"
    placement_type: str = Field(..., max_length=40, description="residential_home, foster, secure, ...")
    place_name: str = Field(..., max_length=200, description="The care home or foster placement")
    address_line: str = Field("", max_length=200)
    town: str = Field("", max_length=100)
    postcode: str = Field(..., max_length=10)
    beat: str = Field("", max_length=40, description="The neighbourhood beat, if known")
    care_provider: int | None = Field(
        None, ge=1, description="The care provider running the home (GET /agencies)"
    )
    host_force: int = Field(
        ..., ge=1, description="The police force for the placement's area (GET /agencies)"
    )
    host_authority: int = Field(..., ge=1, description="The local authority for the placement's area")
    placing_authority: int | None = Field(
        None, ge=1, description="Police only: the local authority that placed the child"
    )
    starts_on: date
    known_risks: str = Field("", max_length=10000)


class PlacementListOut(Schema):
    count: int
    items: list[dict[str, Any]] = Field(
        description="The rows of the notices page and its CSV: received by your agency, then sent by it"
    )


@router.get("/placements", response=PlacementListOut)
def list_placements(request: AuthenticatedRequest) -> PlacementListOut:
    """The current notices your agency received, then those it sent; logged as a list."""
    rows = lists.list_read(user=request.user, record_type="placement_notice", request=request)
    return PlacementListOut(count=len(rows), items=rows)


@router.post("/placements", response={201: PlacementNoticeOut})
def create_placement(request: AuthenticatedRequest, body: PlacementIn) -> Status[PlacementNoticeOut]:
    """Send a placement notice (police, or a local authority's practitioners for a child it placed): the host
    force and host authority are alerted and may see the child from then on."""
    d = body.model_dump()
    data = placements.PlacementInput(
        child_id=d.pop("child"),
        host_force_id=d.pop("host_force"),
        host_authority_id=d.pop("host_authority"),
        care_provider_id=d.pop("care_provider"),
        placing_authority_id=d.pop("placing_authority"),
        **d,
    )
    notice = placements.placement_notice_create(data=data, acting_user=request.user)
    return Status(201, PlacementNoticeOut.from_model(notice))


@router.post("/placements/{notice_id}/acknowledge", response=PlacementNoticeOut)
def acknowledge_placement(request: AuthenticatedRequest, notice_id: int) -> PlacementNoticeOut:
    """The host force or host authority acknowledges a notice it received (once: again keeps the first)."""
    notice = placements.placement_notice_acknowledge(notice_id=notice_id, acting_user=request.user)
    return PlacementNoticeOut.from_model(notice)
