"""People and places of concern, and their links to children (notices: ``partners.cawns``).

Police-only intelligence: only police roles of the force that holds the record see a person or place of
concern (``visible_people`` / ``visible_places``); anyone else finds none, and an id they cannot see is
a 404 on its own page and a 422 naming the field where it is given as input. A person linked to a child
with a concern is an associate of concern: the engine reads the link at the next report
(``misper.episodes.documents.associates_section``). Every write keeps its history and its access event.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from misper.accounts.models import User
from misper.audit.history import history_record, history_save
from misper.audit.services import access_record
from misper.core.errors import ConflictError, FieldError, InvalidInput
from misper.core.versions import version_check
from misper.people.models import (
    Associate,
    Child,
    ChildAssociate,
    ChildLocation,
    Concern,
    Location,
    LocationKind,
    PersonKind,
    Relationship,
    Reliability,
)
from misper.people.selectors import access_child_by_id, visible_children
from misper.risk.vocab import ASSOCIATE_FLAGS

POLICE_ONLY = "Only police can record people and places of concern."
UNKNOWN_PERSON = "Choose a person on file"
UNKNOWN_PLACE = "Choose a place on file"
UNKNOWN_CHILD = "Choose a child on file"
ALREADY_LINKED = "This person is already linked to this child"
LINK_STALE = "Someone else changed this link since you opened it. Check it and try again."
LINK_ENDED = "This link has already been ended"
NEED_END_REASON = "Say why the link is ended"
MAX_REASON = 2000


def _require_police(user: User) -> None:
    if not user.is_police:
        raise PermissionDenied(POLICE_ONLY)


def visible_people(user: User) -> QuerySet[Associate]:
    """People of concern on file in ``user``'s force; none for anyone but police."""
    if not (user.is_authenticated and user.is_active and user.is_police and user.agency_id):
        return Associate.objects.none()
    return Associate.objects.filter(force_id=user.agency_id)


def visible_places(user: User) -> QuerySet[Location]:
    if not (user.is_authenticated and user.is_active and user.is_police and user.agency_id):
        return Location.objects.none()
    return Location.objects.filter(force_id=user.agency_id)


def access_person_by_id(user: User, person_id: int) -> Associate:
    person = visible_people(user).filter(pk=person_id).first()
    if person is None:
        raise Http404("No such person")
    return person


def person_for_input(user: User, person_id: int | None, field: str = "person_id") -> Associate | None:
    """The person ``person_id`` names, as given in a form or body: unseen or unknown is a 422 on
    ``field`` (the caller named it, so it is bad input, and a 422 says nothing of other forces)."""
    if person_id is None:
        return None
    person = visible_people(user).filter(pk=person_id).first()
    if person is None:
        raise InvalidInput(FieldError(field, UNKNOWN_PERSON))
    return person


def place_for_input(user: User, place_id: int | None, field: str = "place_id") -> Location | None:
    if place_id is None:
        return None
    place = visible_places(user).filter(pk=place_id).first()
    if place is None:
        raise InvalidInput(FieldError(field, UNKNOWN_PLACE))
    return place


def person_children(user: User, person: Associate) -> list[ChildAssociate]:
    """Every current link of ``person`` to a child ``user`` may see (find every child linked to one adult)."""
    return list(
        ChildAssociate.objects.current()
        .filter(associate=person, child__in=visible_children(user))
        .select_related("child")
        .order_by("child__family_name", "child__given_name")
    )


def child_places(user: User, child: Child) -> list[ChildLocation]:
    """The places linked to ``child``: only for the police of the force holding the record (the field
    access matrix, as ``partners.projections.child_view_for``); empty for a host force and partners."""
    from misper.partners.field_access import field_view

    if not field_view(user, child).police_intelligence:
        return []
    return list(ChildLocation.objects.filter(child=child).select_related("location"))


def child_links(user: User, child: Child) -> list[ChildAssociate]:
    """The people currently linked to ``child`` (police only; empty for anyone else)."""
    if not user.is_police:
        return []
    return list(
        ChildAssociate.objects.current()
        .filter(child=child, associate__in=visible_people(user))
        .select_related("associate")
        .order_by("-of_concern", "associate__family_name")
    )


def normalise_code(value: str) -> str:
    """'Suspected exploiter' → 'suspected_exploiter': a code or its words, never a guess."""
    return "_".join(value.strip().lower().replace("-", " ").split())


def _choice(field: str, value: str, choices: type, message: str, blank: bool = False) -> str:
    code = normalise_code(value)
    if blank and not code:
        return ""
    by_label = {normalise_code(str(label)): key for key, label in choices.choices}  # type: ignore[attr-defined]
    code = code if code in choices.values else by_label.get(code, code)  # type: ignore[attr-defined]
    if code not in choices.values:  # type: ignore[attr-defined]
        raise InvalidInput(FieldError(field, message))
    return code


def _past_date(field: str, value: date | None, what: str) -> list[FieldError]:
    if value is not None and value > timezone.localdate():
        return [FieldError(field, f"{what} must be today or in the past")]
    return []


def person_create(
    *,
    acting_user: User,
    given_name: str,
    family_name: str,
    date_of_birth: date | None = None,
    description: str = "",
    kind: str = PersonKind.ADULT,
    flags: list[str] | None = None,
    sex: str = "unknown",
    intelligence_notes: str = "",
) -> Associate:
    """Record a person of concern in the user's force (police only)."""
    _require_police(acting_user)
    errors = [
        FieldError(name, message)
        for name, value, message in (
            ("given_name", given_name, "Enter the person's first name"),
            ("family_name", family_name, "Enter the person's last name"),
        )
        if not value.strip()
    ]
    errors += _past_date("date_of_birth", date_of_birth, "The date of birth")
    if date_of_birth is not None and date_of_birth.year < 1900:
        errors.append(FieldError("date_of_birth", "Enter a real date of birth"))
    unknown = [f for f in flags or [] if f not in ASSOCIATE_FLAGS]
    if unknown:
        errors.append(FieldError("flags", f"Not a flag misper knows: {', '.join(unknown)}"))
    if kind not in PersonKind.values:
        errors.append(FieldError("kind", "Choose an adult or another young person"))
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        person = Associate(
            force=acting_user.agency,
            kind=kind,
            given_name=given_name.strip(),
            family_name=family_name.strip(),
            date_of_birth=date_of_birth,
            sex=sex,
            flags=sorted(set(flags or [])),
            description=description.strip(),
            intelligence_notes=intelligence_notes.strip(),
            created_by=acting_user,
        )
        person.full_clean()
        person.save()
        history_record(instance=person, before=None, user=acting_user, action="create")
        access_record(user=acting_user, action="create", record_type="associate", record_ids=[person.pk])
        return person


def associate_link(
    *,
    acting_user: User,
    child_id: int,
    person_id: int,
    relationship: str = "unknown",
    concern: str = "",
    source: str = "",
    reliability: str = Reliability.UNTESTED,
    notes: str = "",
) -> ChildAssociate:
    """Link a person on file to a child, with the relationship and (if any) the concern. A concern makes
    the person an associate of concern for the engine. Police only; a second link is a 409."""
    _require_police(acting_user)
    relationship = _choice("relationship", relationship or "unknown", Relationship, "Choose a relationship")
    concern = _choice("concern", concern, Concern, "Choose a concern from the list", blank=True)
    reliability = _choice("reliability", reliability or "untested", Reliability, "Choose how reliable")
    if len(source) > 200:
        raise InvalidInput(FieldError("source", "Keep who says so to 200 characters or fewer"))
    with transaction.atomic():
        child = access_child_by_id(acting_user, child_id)
        person = person_for_input(acting_user, person_id)
        assert person is not None
        if ChildAssociate.objects.current().filter(child=child, associate=person).exists():
            raise ConflictError(ALREADY_LINKED)
        link = ChildAssociate(
            child=child,
            associate=person,
            relationship=relationship,
            of_concern=bool(concern),
            concern=concern,
            source=source.strip(),
            reliability=reliability,
            notes=notes.strip(),
            noted_on=timezone.localdate(),
            created_by=acting_user,
        )
        link.full_clean()
        link.save()
        history_record(instance=link, before=None, user=acting_user, action="create")
        access_record(user=acting_user, action="change", record_type="child", record_ids=[child.pk])
        return link


def access_link_by_id(user: User, child_id: int, link_id: int) -> ChildAssociate:
    """A link of ``child_id`` to a person of concern: police only (403 otherwise), and a child or link of
    another force, or a link of another child, is a 404."""
    _require_police(user)
    child = access_child_by_id(user, child_id)
    link = (
        ChildAssociate.objects.filter(pk=link_id, child=child, associate__in=visible_people(user))
        .select_related("associate", "child")
        .first()
    )
    if link is None:
        raise Http404("No such link")
    return link


def _locked_link(user: User, child_id: int, link_id: int, expected_version: int | None) -> ChildAssociate:
    link = access_link_by_id(user, child_id, link_id)
    link = ChildAssociate.objects.select_for_update().select_related("associate").get(pk=link.pk)
    version_check(current=link.version, expected=expected_version, stale_message=LINK_STALE)
    if link.ended_at is not None:
        raise ConflictError(LINK_ENDED)
    return link


def associate_link_change(
    *,
    acting_user: User,
    child_id: int,
    link_id: int,
    expected_version: int | None,
    relationship: str | None = None,
    concern: str | None = None,
    source: str | None = None,
    reliability: str | None = None,
    notes: str | None = None,
) -> ChildAssociate:
    """Change the relationship, the concern, who says so or how reliable it is (what is not given stays).
    Without a concern the person is no longer an associate of concern for the engine. Police only."""
    _require_police(acting_user)
    errors: list[FieldError] = []
    values: dict[str, Any] = {}
    for name, value, choices, message, blank in (
        ("relationship", relationship, Relationship, "Choose a relationship", False),
        ("concern", concern, Concern, "Choose a concern from the list", True),
        ("reliability", reliability, Reliability, "Choose how reliable", False),
    ):
        if value is None:
            continue
        try:
            values[name] = _choice(name, value, choices, message, blank=blank)
        except InvalidInput as exc:
            errors += exc.errors
    if source is not None:
        if len(source) > 200:
            errors.append(FieldError("source", "Keep who says so to 200 characters or fewer"))
        values["source"] = source.strip()
    if notes is not None:
        if len(notes) > MAX_REASON:
            errors.append(FieldError("notes", f"Keep the notes to {MAX_REASON} characters or fewer"))
        values["notes"] = notes.strip()
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        link = _locked_link(acting_user, child_id, link_id, expected_version)
        for name, value in values.items():
            setattr(link, name, value)
        link.of_concern = bool(link.concern)
        link.version += 1
        link.full_clean()
        history_save(link, user=acting_user)
        access_record(user=acting_user, action="change", record_type="child", record_ids=[link.child_id])
        return link


def associate_link_end(
    *, acting_user: User, child_id: int, link_id: int, reason: str, expected_version: int | None
) -> ChildAssociate:
    """End a link today with a reason: it stays on file (history, who ended it and why) and no longer
    counts for the engine, the board or the problem profile. Police only."""
    _require_police(acting_user)
    if not reason.strip():
        raise InvalidInput(FieldError("reason", NEED_END_REASON))
    if len(reason) > MAX_REASON:
        raise InvalidInput(FieldError("reason", f"Keep the reason to {MAX_REASON} characters or fewer"))
    with transaction.atomic():
        link = _locked_link(acting_user, child_id, link_id, expected_version)
        link.ended_at, link.ended_by, link.ended_reason = timezone.now(), acting_user, reason.strip()
        link.version += 1
        history_save(link, user=acting_user)
        access_record(user=acting_user, action="change", record_type="child", record_ids=[link.child_id])
        return link


def _coordinate(field: str, value: object, limit: int) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput(FieldError(field, "Enter a number of degrees, like 52.48")) from None
    if not number.is_finite() or not -limit <= number <= limit:
        raise InvalidInput(FieldError(field, f"Enter degrees between -{limit} and {limit}"))
    return number.quantize(Decimal("0.00001"))


def place_create(
    *,
    acting_user: User,
    name: str = "",
    address_line: str = "",
    town: str = "",
    postcode: str = "",
    description: str = "",
    latitude: object = None,
    longitude: object = None,
    kind: str = LocationKind.CONCERN,
) -> Location:
    """Record a place (of concern by default) in the user's force. Police only; coordinates optional,
    both or neither, in range."""
    _require_police(acting_user)
    if not (name.strip() or address_line.strip() or town.strip() or postcode.strip()):
        raise InvalidInput(FieldError("name", "Enter a name or an address for the place"))
    lat, lon = _coordinate("latitude", latitude, 90), _coordinate("longitude", longitude, 180)
    if (lat is None) != (lon is None):
        field = "longitude" if lon is None else "latitude"
        raise InvalidInput(FieldError(field, "Enter both latitude and longitude, or neither"))
    kind = _choice("kind", kind, LocationKind, "Choose what kind of place it is")
    with transaction.atomic():
        place = Location(
            force=acting_user.agency,
            kind=kind,
            name=name.strip()[:200],
            address_line=address_line.strip()[:200],
            town=town.strip()[:100],
            postcode=postcode.strip().upper()[:10],
            description=description.strip(),
            latitude=lat,
            longitude=lon,
        )
        place.full_clean()
        place.save()
        history_record(instance=place, before=None, user=acting_user, action="create")
        access_record(user=acting_user, action="create", record_type="location", record_ids=[place.pk])
        return place


def place_link(
    *, acting_user: User, child_id: int, place_id: int, kind: str, notes: str = ""
) -> ChildLocation:
    """A place in a child's life (frequented, of concern, ...). Police only."""
    _require_police(acting_user)
    kind = _choice("kind", kind, LocationKind, "Choose what the place is to the child")
    with transaction.atomic():
        child = access_child_by_id(acting_user, child_id)
        place = place_for_input(acting_user, place_id)
        link = ChildLocation.objects.create(child=child, location=place, kind=kind, notes=notes.strip()[:200])
        history_record(instance=link, before=None, user=acting_user, action="create")
        access_record(user=acting_user, action="change", record_type="child", record_ids=[child.pk])
        return link


def people_search(user: User, name: str) -> list[Associate]:
    """People on file whose first or last name starts with a typed word (for pickers)."""
    words = name.split()[:3]
    people = visible_people(user)
    for word in words:
        people = people.filter(Q(given_name__istartswith=word) | Q(family_name__istartswith=word))
    return list(people.order_by("family_name", "given_name")[:50])


def found_choices(user: User, child: Child) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(people, places) to offer when ``child`` is found: people linked to the child first, then everyone
    else on file in the force; the child's places, then places of concern and where children were found."""
    linked = [
        (link.associate_id, f"{link.associate} (linked to this child)") for link in child_links(user, child)
    ]
    taken = {pk for pk, _ in linked}
    others = [(p.pk, str(p)) for p in visible_people(user).order_by("family_name", "given_name")[:500]]
    own = child_places(user, child)
    mine = [(link.location_id, f"{link.location} ({link.get_kind_display().lower()})") for link in own]
    seen = {pk for pk, _ in mine}
    concern = visible_places(user).filter(kind__in=[LocationKind.CONCERN]).order_by("name")[:500]
    return linked + [o for o in others if o[0] not in taken], mine + [
        (p.pk, f"{p} (place of concern)") for p in concern if p.pk not in seen
    ]


def child_place_rows(child: Child, places: list[ChildLocation], found: list[Any]) -> list[dict[str, Any]]:
    """The child's places for the list and map: where they live, places linked to them, and where they
    were found before; each with its coordinates when known (``lat``/``lon`` None otherwise)."""
    rows: list[tuple[str, Location]] = []
    for kind, where in (("Lives at", child.placement_address), ("Home", child.home_address)):
        if where is not None:
            rows.append((kind, where))
    rows += [(link.get_kind_display(), link.location) for link in places]
    rows += [(f"Found {e.found_at:%-d %B %Y}", e.found_location) for e in found if e.found_location_id]
    out = []
    for kind, where in rows:
        known = where.latitude is not None and where.longitude is not None
        out.append(
            {
                "kind": kind,
                "label": str(where) or "Place with no name",
                "lat": float(where.latitude) if known else None,  # type: ignore[arg-type]
                "lon": float(where.longitude) if known else None,  # type: ignore[arg-type]
            }
        )
    return out
