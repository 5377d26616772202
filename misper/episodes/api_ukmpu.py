"""API routes for the UK Missing Persons Unit notice (docs/ukmpu.md): the force's list, one episode's
notice (the same document as the JSON export) and recording that it was sent. Thin: each calls
``misper.episodes.ukmpu``."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.db import transaction
from ninja import Router, Schema, Status
from pydantic import AwareDatetime, Field

from misper.accounts.requests import AuthenticatedRequest
from misper.audit.services import access_record
from misper.core.api_schemas import Strict
from misper.episodes import ukmpu

router = Router(tags=["ukmpu"])


class NoticeFieldOut(Schema):
    key: str
    label: str
    value: str


class NoticeSentOut(Schema):
    sent_at: datetime
    sent_by: str
    method: str
    method_words: str
    ukmpu_reference: str
    notes: str
    recorded_at: datetime


class NoticeOut(Schema):
    format: str
    force: dict[str, str]
    episode: dict[str, Any]
    status: Literal["not_due", "due", "late", "sent", "sent_late"]
    status_words: str
    due_at: datetime
    late_after: datetime
    fields: list[NoticeFieldOut]
    sent: NoticeSentOut | None


class NoticeIn(Strict):
    sent_at: AwareDatetime = Field(description="When it was sent, with its time zone")
    method: Literal["secure_email", "online_form", "phone"]
    ukmpu_reference: str = Field("", max_length=ukmpu.MAX_REFERENCE)
    notes: str = Field("", max_length=ukmpu.MAX_NOTES)


class NoticeRowOut(Schema):
    episode_id: int
    reference: str
    name: str
    status: str
    status_words: str
    due_at: datetime


class NoticeListOut(Schema):
    to_send: list[NoticeRowOut]
    sent: list[NoticeRowOut]


@router.get("/ukmpu-notices", response=NoticeListOut)
def list_notices(request: AuthenticatedRequest) -> NoticeListOut:
    """The force's notices to send (due or late) and those sent in the last 30 days (coordinators,
    supervisors and duty inspectors)."""
    user = request.user
    with transaction.atomic():
        to_send = ukmpu.notices_to_send(user)
        sent = ukmpu.notices_sent(user)
        ids = [e.pk for e, _ in to_send] + [n.episode_id for n in sent]
        access_record(user=user, action="list", record_type="episode", record_ids=ids, request=request)
        sent_rows = [(n.episode, ukmpu.notice_state(n.episode)) for n in sent]
    return NoticeListOut(to_send=[_row(e, s) for e, s in to_send], sent=[_row(e, s) for e, s in sent_rows])


def _row(e: Any, s: ukmpu.NoticeState) -> NoticeRowOut:
    return NoticeRowOut(
        episode_id=e.pk,
        reference=e.reference,
        name=e.child.full_name,
        status=s.code,
        status_words=s.words,
        due_at=s.due_at,
    )


@router.get("/episodes/{episode_id}/ukmpu-notice", response=NoticeOut)
def get_notice(request: AuthenticatedRequest, episode_id: int) -> dict[str, Any]:
    """What must be sent for this episode (or what was sent), in the export's format."""
    with transaction.atomic():
        episode = ukmpu.access_notice_episode(request.user, episode_id)
        access_record(
            user=request.user, action="view", record_type="episode", record_ids=[episode.pk], request=request
        )
    return ukmpu.notice_export(episode)


@router.post("/episodes/{episode_id}/ukmpu-notice", response={201: NoticeOut})
def record_notice(
    request: AuthenticatedRequest, episode_id: int, payload: NoticeIn
) -> Status[dict[str, Any]]:
    """Record that the notice was sent: when, how, the unit's reference. Once per episode (409 after),
    only once the person has been missing 72 hours (409 before)."""
    notice = ukmpu.ukmpu_notice_record(
        episode_id=episode_id,
        sent_at=payload.sent_at,
        method=payload.method,
        ukmpu_reference=payload.ukmpu_reference,
        notes=payload.notes,
        acting_user=request.user,
    )
    return Status(201, ukmpu.notice_export(notice.episode))
