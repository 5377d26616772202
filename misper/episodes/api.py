"""API routes for episodes. Thin: parse, call one selector or service, shape the output."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from misper.audit.services import access_record
from misper.episodes.models import Episode
from misper.episodes.selectors import episode_list

router = Router(tags=["episodes"])


class ChildSummaryOut(Schema):
    id: int
    ref: str
    given_name: str
    family_name: str


class EpisodeSummaryOut(Schema):
    id: int
    reference: str
    status: str
    category: str
    risk: str
    reported_at: datetime
    last_seen_at: datetime | None
    found_at: datetime | None
    closed_at: datetime | None
    child: ChildSummaryOut

    @staticmethod
    def from_model(e: Episode) -> EpisodeSummaryOut:
        c = e.child
        return EpisodeSummaryOut(
            id=e.pk,
            reference=e.reference,
            status=e.status,
            category=e.category,
            risk=e.risk,
            reported_at=e.reported_at,
            last_seen_at=e.last_seen_at,
            found_at=e.found_at,
            closed_at=e.closed_at,
            child=ChildSummaryOut(id=c.pk, ref=c.ref, given_name=c.given_name, family_name=c.family_name),
        )


class EpisodeListOut(Schema):
    count: int
    items: list[EpisodeSummaryOut]


class Page(Schema):
    model_config = ConfigDict(extra="forbid")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


@router.get("", response=EpisodeListOut)
def list_episodes(request: HttpRequest, page: Query[Page]) -> EpisodeListOut:
    with transaction.atomic():
        count, items = episode_list(request.user, limit=page.limit, offset=page.offset)  # type: ignore[arg-type]
        access_record(
            user=request.user, action="list", record_type="episode", record_ids=[e.pk for e in items], request=request
        )
    return EpisodeListOut(count=count, items=[EpisodeSummaryOut.from_model(e) for e in items])
