"""API routes for incidents from command and control (docs/incidents.md). Thin: parse, call one service or
selector, shape the output. Bearer tokens as for the rest of /api/v1."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from ninja import Query, Router, Schema, Status
from pydantic import Field

from misper.accounts.requests import AuthenticatedRequest
from misper.audit.services import access_record
from misper.core.api_schemas import Page, Strict
from misper.incidents.codes import code_words, is_missing_person
from misper.incidents.feed import IncidentDoc
from misper.incidents.models import Incident
from misper.incidents.selectors import access_incident_by_id, incident_list, incident_status
from misper.incidents.services import incident_add_to_episode, incident_receive

router = Router(tags=["incidents"])


class EpisodeRefOut(Schema):
    id: int
    reference: str


class IncidentOut(Schema):
    id: int
    incident_number: str
    force: str
    version: int
    opening_code: str
    opening_code_words: str
    missing_person: bool
    opened_at: datetime
    closed_at: datetime | None
    status: str
    status_words: str
    episode: EpisodeRefOut | None
    link: str


class CallerOut(Schema):
    name: str
    phone: str
    relationship: str


class SubjectOut(Schema):
    given_name: str
    family_name: str
    date_of_birth: date | None
    child_ref: str


class IncidentDetailOut(IncidentOut):
    caller: CallerOut
    location: dict[str, str]
    subject: SubjectOut
    free_text: str


class IncidentListOut(Schema):
    count: int
    items: list[IncidentOut]


class LinkIn(Strict):
    episode_id: int = Field(ge=1, le=2**31 - 1, description="An open episode of your force")


class IncidentPage(Page):
    without_episode: bool = False


def incident_out(i: Incident) -> IncidentOut:
    status, words = incident_status(i)
    episode = i.episode if i.episode_id else None
    return IncidentOut(
        id=i.pk,
        incident_number=i.number,
        force=i.force.code,
        version=i.version,
        opening_code=i.opening_code,
        opening_code_words=code_words(i.opening_code),
        missing_person=is_missing_person(i.opening_code),
        opened_at=i.opened_at,
        closed_at=i.closed_at,
        status=status,
        status_words=words,
        episode=EpisodeRefOut(id=episode.pk, reference=episode.reference) if episode else None,
        link=i.link_kind,
    )


@router.post("", response={201: IncidentOut, 200: IncidentOut})
def receive_incident(request: AuthenticatedRequest, payload: IncidentDoc) -> Status[IncidentOut]:
    """Receive an incident from command and control (call handlers and supervisors of the force, or its
    control-room system's account). 201 when new; 200 for the same incident number again: the same body
    changes nothing and answers the same, a changed body updates it. A missing-person incident naming a
    child with an open episode joins it; otherwise it waits for a report in the control room's queue."""
    outcome = incident_receive(data=payload.model_dump(mode="json"), acting_user=request.user)
    return Status(201 if outcome.created else 200, incident_out(outcome.incident))


@router.get("", response=IncidentListOut)
def list_incidents(request: AuthenticatedRequest, page: Query[IncidentPage]) -> IncidentListOut:
    """The force's incidents, newest first; ``without_episode=true``: missing-person incidents with no
    episode (the control room's queue)."""
    with transaction.atomic():
        count, items = incident_list(
            request.user,
            without_episode=page.without_episode,
            limit=page.limit,
            offset=page.offset,
        )
        access_record(
            user=request.user, action="list", record_type="incident", record_ids=[i.pk for i in items]
        )
    return IncidentListOut(count=count, items=[incident_out(i) for i in items])


@router.get("/{incident_id}", response=IncidentDetailOut)
def get_incident(request: AuthenticatedRequest, incident_id: int) -> IncidentDetailOut:
    with transaction.atomic():
        i = access_incident_by_id(request.user, incident_id)
        access_record(user=request.user, action="view", record_type="incident", record_ids=[i.pk])
    return IncidentDetailOut(
        **incident_out(i).model_dump(),
        caller=CallerOut(name=i.caller_name, phone=i.caller_phone, relationship=i.caller_relationship),
        location={"address": i.location_address, "town": i.location_town, "postcode": i.location_postcode},
        subject=SubjectOut(
            given_name=i.subject_given_name,
            family_name=i.subject_family_name,
            date_of_birth=i.subject_date_of_birth,
            child_ref=i.subject_child_ref,
        ),
        free_text=i.free_text,
    )


@router.post("/{incident_id}/episode", response=IncidentOut)
def link_incident(request: AuthenticatedRequest, incident_id: int, payload: LinkIn) -> IncidentOut:
    """Add a missing-person incident waiting for a report to the child's open episode (when the report was
    made through POST /api/v1/episodes, or the child was already missing). Once: 409 if it already has
    an episode; another force's incident or episode is a 404."""
    incident = incident_add_to_episode(
        incident_id=incident_id,
        episode_id=payload.episode_id,
        acting_user=request.user,
    )
    return incident_out(incident)
