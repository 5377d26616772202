"""The incident feed's document (docs/incidents.md): one shape for ``POST /api/v1/incidents`` and each line
of ``misper incidents import``, read here into a typed ``IncidentDoc`` or InvalidInput naming every bad
field (an unknown field, a value too long, a time without its zone, an unknown opening code)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Literal

from django.utils import timezone
from pydantic import AwareDatetime, Field, ValidationError

from misper.core.api_schemas import Strict
from misper.core.errors import FieldError, InvalidInput
from misper.incidents.codes import OPENING_CODES

CLOCK_SKEW = timedelta(minutes=5)
UNKNOWN_CODE = "is not an opening code misper knows: use one of {codes} (docs/incidents.md)"


class CallerIn(Strict):
    name: str = Field("", max_length=100)
    phone: str = Field("", max_length=40)
    relationship: Literal["parent", "carer", "care_home", "school", "public", "self", "other", ""] = ""


class LocationIn(Strict):
    address: str = Field("", max_length=200)
    town: str = Field("", max_length=100)
    postcode: str = Field("", max_length=10)


class SubjectIn(Strict):
    """The person the incident is about, as the control room recorded them."""

    given_name: str = Field("", max_length=100)
    family_name: str = Field("", max_length=100)
    date_of_birth: date | None = None
    child_ref: str = Field("", max_length=40, description="misper's reference for the child, if known")


class IncidentDoc(Strict):
    incident_number: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9/_.-]*$")
    opened_at: AwareDatetime
    closed_at: AwareDatetime | None = None
    opening_code: str = Field(min_length=1, max_length=20)
    caller: CallerIn = Field(default_factory=CallerIn)
    location: LocationIn = Field(default_factory=LocationIn)
    subject: SubjectIn = Field(default_factory=SubjectIn)
    free_text: str = Field("", max_length=20000)


def _field(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc) or "body"


def incident_doc_read(data: Any) -> IncidentDoc:
    """``data`` (parsed JSON) as an ``IncidentDoc``, or InvalidInput listing every bad field."""
    if not isinstance(data, dict):
        raise InvalidInput(FieldError("body", "must be a JSON object"))
    try:
        doc = IncidentDoc.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(
            [FieldError(_field(tuple(e["loc"])), e["msg"]) for e in exc.errors(include_url=False)]
        ) from None
    errors = []
    if doc.opening_code not in OPENING_CODES:
        errors.append(FieldError("opening_code", UNKNOWN_CODE.format(codes=", ".join(OPENING_CODES))))
    now = timezone.now() + CLOCK_SKEW
    if doc.opened_at > now:
        errors.append(FieldError("opened_at", "cannot be in the future"))
    if doc.closed_at and doc.closed_at < doc.opened_at:
        errors.append(FieldError("closed_at", "must be after opened_at"))
    if doc.closed_at and doc.closed_at > now:
        errors.append(FieldError("closed_at", "cannot be in the future"))
    born = doc.subject.date_of_birth
    if born and born > doc.opened_at.date():
        errors.append(FieldError("subject.date_of_birth", "is after the incident was opened"))
    if errors:
        raise InvalidInput(errors)
    return doc
