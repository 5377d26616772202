"""API routes for children: find a child by name and date of birth; record a child not yet on file; a
child's record, flags, people and places linked, photo. Thin: parse, call one service or selector, shape.

The search is a POST with a JSON body so that no name or date of birth ever reaches a URL (and so a
server or proxy log)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.db import transaction
from django.http import FileResponse
from ninja import File, Router, Schema, Status, UploadedFile
from pydantic import ConfigDict, Field

from misper.accounts.requests import AuthenticatedRequest
from misper.audit.services import access_record
from misper.core.api_schemas import EditVersion, Strict
from misper.core.errors import FieldError, InvalidInput
from misper.people.concern import associate_link, associate_link_change, associate_link_end, place_link
from misper.people.detail import child_detail, flag_dict, link_dict
from misper.people.flags import flag_add
from misper.people.photos import photo_response, photo_upload_file
from misper.people.selectors import SEARCH_LIMIT, access_child_by_id, child_search
from misper.people.services import child_create

router = Router(tags=["children"])
NEED_NAME_OR_DOB = "Enter a name or a date of birth to search for"
DEFAULT_PURPOSE = "Find a child (API search)"


class ChildSearchIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str = Field("", max_length=200, description="Any of the child's names, aliases or a near spelling")
    dob: date | None = Field(None, description="Date of birth, YYYY-MM-DD")
    limit: int = Field(20, ge=1, le=SEARCH_LIMIT)
    purpose: str = Field(DEFAULT_PURPOSE, max_length=200, description="Why you are searching (logged)")


class ChildFoundOut(Schema):
    id: int
    ref: str
    given_name: str
    family_name: str
    preferred_name: str
    date_of_birth: date | None
    score: float
    matched_on: str


class ChildSearchOut(Schema):
    count: int
    items: list[ChildFoundOut]


@router.post("/search", response=ChildSearchOut)
def find_children(request: AuthenticatedRequest, query: ChildSearchIn) -> ChildSearchOut:
    """Visible children matching the name (with sound-alikes, misspellings and aliases) and date of birth,
    best first. The search, with its purpose and the ids returned, is written to the access log."""
    if not query.name.strip() and query.dob is None:
        raise InvalidInput(FieldError("name", NEED_NAME_OR_DOB))
    with transaction.atomic():
        matches = child_search(request.user, name=query.name, dob=query.dob)[: query.limit]
        access_record(
            user=request.user,
            action="search",
            record_type="child",
            record_ids=[m.child.pk for m in matches],
            purpose=query.purpose.strip() or DEFAULT_PURPOSE,
            request=request,
        )
    items = [
        ChildFoundOut(
            id=m.child.pk,
            ref=m.child.ref,
            given_name=m.child.given_name,
            family_name=m.child.family_name,
            preferred_name=m.child.preferred_name,
            date_of_birth=m.child.date_of_birth,
            score=round(m.score, 3),
            matched_on=m.matched_on,
        )
        for m in matches
    ]
    return ChildSearchOut(count=len(items), items=items)


class ChildIn(Strict):
    given_name: str = Field(..., max_length=100)
    family_name: str = Field(..., max_length=100)
    date_of_birth: date = Field(description="Or your best estimate, said so in the description")
    sex: Literal["female", "male", "other", "unknown"] = "unknown"
    description: str = Field("", max_length=5000, description="Height, build, hair, clothing, marks")
    looked_after: bool = False
    placement_type: Literal[
        "home", "foster", "residential_home", "secure", "kinship", "supported_living", "other"
    ] = "home"
    town: str = Field("", max_length=100)
    postcode: str = Field("", max_length=10)


@router.post("", response={201: dict[str, Any]})
def child_create_route(request: AuthenticatedRequest, body: ChildIn) -> Status[dict[str, Any]]:
    """Record a child not yet on file in your force (police only), reference ``WEB-<number>``, as the
    "Create a new child record" page does. Search first (``POST /children/search``): this never matches."""
    user = request.user
    child = child_create(acting_user=user, **body.model_dump())
    return Status(201, child_detail(user, child))


# --- a child's record: detail, flags, people linked, places, photo ------------------------------------


@router.get("/{child_id}", response=dict[str, Any])
def child_get(request: AuthenticatedRequest, child_id: int) -> dict[str, Any]:
    """The child as the caller may see them, with ``flags`` (partners: not the police-only ones) and,
    for police only, ``associates`` and ``places``. Logged as a read of the child's record."""
    user = request.user
    with transaction.atomic():
        child = access_child_by_id(user, child_id)
        detail = child_detail(user, child)
        access_record(user=user, action="view", record_type="child", record_ids=[child.pk], request=request)
    return detail


class FlagIn(Strict):
    code: str = Field(..., max_length=40, description="A misper/1 vulnerability code, e.g. cse_risk")
    source: str = Field(..., max_length=200, description="Who says so, e.g. the child's social worker")
    review_by: date | None = Field(None, description="When the flag is next reviewed, YYYY-MM-DD")
    notes: str = Field("", max_length=2000, description="What the flag rests on")
    police_only: bool = Field(False, description="Police only: never shown to partners (police may set)")


@router.post("/{child_id}/flags", response={201: dict[str, Any]})
def flag_create(request: AuthenticatedRequest, child_id: int, body: FlagIn) -> Status[dict[str, Any]]:
    """Add a vulnerability flag. Police and partners who may see the child; a partner's flag shows their
    agency as its source. The engine counts it at the child's next report."""
    flag = flag_add(
        child_id=child_id,
        acting_user=request.user,
        code=body.code,
        source=body.source,
        review_on=body.review_by,
        notes=body.notes,
        police_only=body.police_only,
    )
    return Status(201, flag_dict(flag))


class AssociateIn(Strict):
    person_id: int = Field(..., ge=1, description="A person on file (POST /api/v1/people)")
    relationship: str = Field("unknown", max_length=40, description="boyfriend, partner, associate, ...")
    concern: str = Field(
        "", max_length=60, description="Why they are of concern, e.g. suspected_exploiter (empty: none)"
    )
    source: str = Field("", max_length=200, description="Who says so")
    reliability: str = Field("untested", max_length=20, description="reliable, untested or not_reliable")
    notes: str = Field("", max_length=2000)


@router.post("/{child_id}/associates", response={201: dict[str, Any]})
def associate_create(
    request: AuthenticatedRequest, child_id: int, body: AssociateIn
) -> Status[dict[str, Any]]:
    """Link a person on file to the child (police only). With a concern, the engine grades the child's
    next report with the reason ``associate_of_concern``."""
    link = associate_link(child_id=child_id, acting_user=request.user, **body.model_dump())
    return Status(201, link_dict(link))


class AssociateChangeIn(Strict):
    relationship: str | None = Field(None, max_length=40, description="boyfriend, partner, associate, ...")
    concern: str | None = Field(
        None, max_length=60, description="Why they are of concern, e.g. suspected_exploiter (empty: none)"
    )
    source: str | None = Field(None, max_length=200, description="Who says so")
    reliability: str | None = Field(None, max_length=20, description="reliable, untested or not_reliable")
    notes: str | None = Field(None, max_length=2000)
    version: EditVersion


@router.post("/{child_id}/associates/{link_id}", response=dict[str, Any])
def associate_change(
    request: AuthenticatedRequest, child_id: int, link_id: int, body: AssociateChangeIn
) -> dict[str, Any]:
    """Change a link's relationship, concern, source or reliability (police only; what is left out stays).
    Without a concern the person no longer counts as an associate of concern at the next report."""
    d = body.model_dump(exclude={"version"})
    link = associate_link_change(
        child_id=child_id,
        link_id=link_id,
        acting_user=request.user,
        expected_version=body.version,
        **d,
    )
    return link_dict(link)


class AssociateEndIn(Strict):
    reason: str = Field(..., max_length=2000, description="Why the link no longer applies")
    version: EditVersion


@router.post("/{child_id}/associates/{link_id}/end", response=dict[str, Any])
def associate_end(
    request: AuthenticatedRequest, child_id: int, link_id: int, body: AssociateEndIn
) -> dict[str, Any]:
    """End a link today with a reason (police only): it stays on file and the engine stops citing it at the
    next report."""
    link = associate_link_end(
        child_id=child_id,
        link_id=link_id,
        acting_user=request.user,
        reason=body.reason,
        expected_version=body.version,
    )
    return link_dict(link)


class PlaceLinkIn(Strict):
    place_id: int = Field(..., ge=1, description="A place on file (POST /api/v1/places)")
    kind: str = Field("frequented", max_length=20, description="frequented, concern, school, ...")
    notes: str = Field("", max_length=200)


@router.post("/{child_id}/places", response={201: dict[str, Any]})
def place_link_create(
    request: AuthenticatedRequest, child_id: int, body: PlaceLinkIn
) -> Status[dict[str, Any]]:
    """A place in the child's life (police only)."""
    link = place_link(child_id=child_id, acting_user=request.user, **body.model_dump())
    return Status(201, {"id": link.pk, "place_id": link.location_id, "kind": link.kind, "notes": link.notes})


@router.post("/{child_id}/photo", response={201: dict[str, Any]})
def photo_create(
    request: AuthenticatedRequest, child_id: int, photo: File[UploadedFile]
) -> Status[dict[str, Any]]:
    """Upload the child's photo (multipart, field ``photo``): JPEG or PNG, at most 5 MB; stored without
    its metadata and at most 800 pixels on its longest side."""
    child = photo_upload_file(child_id=child_id, upload=photo, acting_user=request.user)
    return Status(
        201, {"id": child.pk, "photo_url": f"/api/v1/children/{child.pk}/photo", "version": child.version}
    )


@router.get("/{child_id}/photo", response={200: None})
def photo_get(request: AuthenticatedRequest, child_id: int) -> FileResponse:
    """The child's photo (logged as a read of the child's record); 404 when there is none."""
    return photo_response(request, child_id)
