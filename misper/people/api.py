"""API routes for children: find a child by name and date of birth. Thin: parse, search, log, shape.

The search is a POST with a JSON body so that no name or date of birth ever reaches a URL (and so a
server or proxy log)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import ConfigDict, Field

from misper.audit.services import access_record
from misper.core.errors import FieldError, InvalidInput
from misper.people.selectors import SEARCH_LIMIT, child_search

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
def find_children(request: HttpRequest, query: ChildSearchIn) -> ChildSearchOut:
    """Visible children matching the name (with sound-alikes, misspellings and aliases) and date of birth,
    best first. The search, with its purpose and the ids returned, is written to the access log."""
    if not query.name.strip() and query.dob is None:
        raise InvalidInput(FieldError("name", NEED_NAME_OR_DOB))
    with transaction.atomic():
        matches = child_search(request.user, name=query.name, dob=query.dob)[: query.limit]  # type: ignore[arg-type]
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
