"""API routes for flags by id (review, expire), people and places of concern, and child abduction warning
notices and their breaches. Thin: parse, call one service or selector, shape. People, places and notices
are police only (``misper.people.concern``, ``misper.partners.cawns``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from ninja import Router, Status
from pydantic import Field

from misper.accounts.requests import AuthenticatedRequest
from misper.audit.services import access_record
from misper.core.api_schemas import EditVersion, Strict
from misper.core.errors import FieldError, InvalidInput
from misper.partners import cawns
from misper.people.concern import (
    POLICE_ONLY,
    access_person_by_id,
    person_children,
    person_create,
    place_create,
)
from misper.people.detail import flag_dict
from misper.people.flags import flag_expire, flag_review
from misper.people.models import Associate, Location

router = Router(tags=["people of concern"])
NOT_LINKED = "Choose a child linked to this person (link them on the child's page first)"


class FlagExpireIn(Strict):
    reason: str = Field(..., max_length=2000, description="Why the flag no longer applies")
    version: EditVersion


@router.post("/flags/{flag_id}/expire", response=dict[str, Any])
def flag_expire_route(request: AuthenticatedRequest, flag_id: int, body: FlagExpireIn) -> dict[str, Any]:
    """End a flag today, with a reason: it stays on file and no longer counts at the next report."""
    flag = flag_expire(
        flag_id=flag_id, reason=body.reason, acting_user=request.user, expected_version=body.version
    )
    return flag_dict(flag)


class FlagReviewIn(Strict):
    review_by: date | None = Field(None, description="The next review date, YYYY-MM-DD")
    version: EditVersion


@router.post("/flags/{flag_id}/review", response=dict[str, Any])
def flag_review_route(request: AuthenticatedRequest, flag_id: int, body: FlagReviewIn) -> dict[str, Any]:
    """Record that the flag was reviewed today and still applies."""
    flag = flag_review(
        flag_id=flag_id,
        next_review_on=body.review_by,
        acting_user=request.user,
        expected_version=body.version,
    )
    return flag_dict(flag)


class PersonIn(Strict):
    given_name: str = Field(..., max_length=100)
    family_name: str = Field(..., max_length=100)
    date_of_birth: date | None = None
    description: str = Field("", max_length=2000, description="What they look like, vehicles, where seen")
    kind: str = Field("adult", description="adult, or peer (another young person)")
    flags: list[str] = Field(default_factory=list, max_length=10, description="misper/1 associate flags")
    intelligence_notes: str = Field("", max_length=5000)


def person_dict(person: Associate) -> dict[str, Any]:
    return {
        "id": person.pk,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth,
        "kind": person.kind,
        "flags": list(person.flags),
        "description": person.description,
        "intelligence_notes": person.intelligence_notes,
    }


@router.post("/people", response={201: dict[str, Any]})
def person_create_route(request: AuthenticatedRequest, body: PersonIn) -> Status[dict[str, Any]]:
    """Record a person of concern (an adult or another young person) in your force. Police only."""
    person = person_create(acting_user=request.user, **body.model_dump())
    return Status(201, person_dict(person))


@router.get("/people/{person_id}", response=dict[str, Any])
def person_get(request: AuthenticatedRequest, person_id: int) -> dict[str, Any]:
    """A person of concern with every child linked to them that you may see. Police only; logged."""
    user = request.user
    if not user.is_police:
        raise PermissionDenied(POLICE_ONLY)
    with transaction.atomic():
        person = access_person_by_id(user, person_id)
        links = person_children(user, person)
        access_record(
            user=user, action="view", record_type="associate", record_ids=[person.pk], request=request
        )
        if links:
            access_record(
                user=user,
                action="view",
                record_type="child",
                record_ids=[link.child_id for link in links],
                request=request,
            )
    children = [
        {
            "id": link.child_id,
            "ref": link.child.ref,
            "name": link.child.full_name,
            "relationship": link.relationship,
            "of_concern": link.of_concern,
            "concern": link.concern,
        }
        for link in links
    ]
    return person_dict(person) | {"children": children}


class PlaceIn(Strict):
    name: str = Field("", max_length=200)
    address_line: str = Field("", max_length=200)
    town: str = Field("", max_length=100)
    postcode: str = Field("", max_length=10)
    description: str = Field("", max_length=2000)
    latitude: Decimal | None = Field(None, description="Degrees north, -90 to 90")
    longitude: Decimal | None = Field(None, description="Degrees east, -180 to 180")
    kind: str = Field("concern", max_length=20)


def place_dict(place: Location) -> dict[str, Any]:
    return {
        "id": place.pk,
        "kind": place.kind,
        "name": place.name,
        "address_line": place.address_line,
        "town": place.town,
        "postcode": place.postcode,
        "description": place.description,
        "latitude": float(place.latitude) if place.latitude is not None else None,
        "longitude": float(place.longitude) if place.longitude is not None else None,
    }


@router.post("/places", response={201: dict[str, Any]})
def place_create_route(request: AuthenticatedRequest, body: PlaceIn) -> Status[dict[str, Any]]:
    """Record a place (of concern unless ``kind`` says otherwise). Police only; coordinates in range."""
    place = place_create(acting_user=request.user, **body.model_dump())
    return Status(201, place_dict(place))


class CawnIn(Strict):
    child_id: int = Field(..., ge=1, description="A child linked to this person")
    issued_on: date
    expires_on: date | None = None
    follow_up: str = Field("", max_length=2000)


@router.post("/people/{person_id}/cawns", response={201: dict[str, Any]})
def cawn_create(request: AuthenticatedRequest, person_id: int, body: CawnIn) -> Status[dict[str, Any]]:
    """Record a child abduction warning notice issued to this person about a child linked to them.
    Police only; the engine reads it (``cawn_issued``) at the child's next report."""
    user = request.user
    if not user.is_police:
        raise PermissionDenied(POLICE_ONLY)
    person = access_person_by_id(user, person_id)
    if body.child_id not in {link.child_id for link in person_children(user, person)}:
        raise InvalidInput(FieldError("child_id", NOT_LINKED))
    data = cawns.CawnInput(
        associate=str(person.pk),
        issued_on=body.issued_on,
        expires_on=body.expires_on,
        follow_up=body.follow_up,
    )
    notice = cawns.cawn_issue(child_id=body.child_id, data=data, acting_user=user)
    return Status(
        201,
        {
            "id": notice.pk,
            "person_id": person.pk,
            "child_id": notice.child_id,
            "issued_on": notice.issued_on,
            "expires_on": notice.expires_on,
        },
    )


class BreachIn(Strict):
    on: date = Field(description="The day of the breach, not before the notice was issued")
    note: str = Field(..., max_length=2000, description="What happened")
    follow_up: str = Field("", max_length=2000, description="What was done about it")


@router.post("/children/{child_id}/cawns/{cawn_id}/breaches", response={201: dict[str, Any]})
def cawn_breach_create(
    request: AuthenticatedRequest, child_id: int, cawn_id: int, body: BreachIn
) -> Status[dict[str, Any]]:
    """Record a breach of a child abduction warning notice (the owning force's police only): added to the
    notice's breaches, which are never overwritten."""
    data = cawns.BreachInput(on=body.on, note=body.note, follow_up=body.follow_up)
    notice = cawns.cawn_breach_record(child_id=child_id, cawn_id=cawn_id, data=data, acting_user=request.user)
    return Status(
        201,
        {
            "id": notice.pk,
            "person_id": notice.associate_id,
            "child_id": notice.child_id,
            "issued_on": notice.issued_on,
            "expires_on": notice.expires_on,
            "breaches": notice.breaches,
        },
    )
