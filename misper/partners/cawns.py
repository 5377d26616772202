"""Child abduction warning notices (CAWNs): police-only records of a notice issued to an adult about a
child, its breaches and the follow-up. The records are ``people.AbductionWarningNotice``; the engine
reads ``cawn_issued`` through ``episodes.documents.associates_section``.

Associates are police intelligence, so every function here refuses non-police users (PermissionDenied)
before anything else, and a child the officer cannot see is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from misper.accounts.models import User
from misper.audit.services import access_record
from misper.core.errors import FieldError, InvalidInput
from misper.partners.projections import sees_police_only
from misper.people.models import AbductionWarningNotice, Associate, Child, ChildAssociate
from misper.people.selectors import access_child_by_id

POLICE_ONLY = "Only police users can see or record abduction warning notices."
NEW_ADULT = "new"
CHOOSE_ADULT = "Choose the adult the notice was issued to"
ENTER_ADULT_GIVEN = "Enter the adult's first name"
ENTER_ADULT_FAMILY = "Enter the adult's last name"
ENTER_ISSUED = "Enter the date the notice was issued"
ISSUED_NOT_FUTURE = "The date the notice was issued cannot be in the future"
EXPIRES_AFTER = "The expiry date must be after the date the notice was issued"
ENTER_BREACH_ON = "Enter the date of the breach"
BREACH_NOT_FUTURE = "The date of the breach cannot be in the future"
BREACH_AFTER_ISSUE = "The breach must be on or after the date the notice was issued"
ENTER_BREACH_NOTE = "Describe the breach"


def _require_police(user: User) -> None:
    if not user.is_police:
        raise PermissionDenied(POLICE_ONLY)


def police_child(user: User, child_id: int) -> Child:
    """The child for a CAWN page: PermissionDenied for non-police, 404 if not visible, or visible only
    as a host force (CAWNs are the owning force's intelligence: ``field_access``)."""
    _require_police(user)
    child = access_child_by_id(user, child_id)
    if not sees_police_only(user, child):
        raise Http404("No such child")
    return child


def child_cawns(child: Child) -> list[AbductionWarningNotice]:
    """The child's notices, newest first, with the adult and who issued it."""
    return list(child.cawns.select_related("associate", "issued_by").order_by("-issued_on", "-pk"))


def linked_adults(child: Child) -> list[Associate]:
    """Adults on file as linked to the child (the choices for a new notice)."""
    links = ChildAssociate.objects.current().filter(child=child).select_related("associate")
    return [link.associate for link in links.order_by("associate__family_name", "associate__given_name")]


@dataclass(frozen=True)
class CawnInput:
    associate: str  # an Associate id linked to the child, or NEW_ADULT
    issued_on: date | None
    expires_on: date | None = None
    new_given_name: str = ""
    new_family_name: str = ""
    follow_up: str = ""


def _cawn_errors(data: CawnInput, child: Child) -> list[FieldError]:
    errors = []
    if data.associate == NEW_ADULT:
        if not data.new_given_name.strip():
            errors.append(FieldError("new_given_name", ENTER_ADULT_GIVEN))
        if not data.new_family_name.strip():
            errors.append(FieldError("new_family_name", ENTER_ADULT_FAMILY))
    elif not data.associate.isdigit() or int(data.associate) not in {a.pk for a in linked_adults(child)}:
        errors.append(FieldError("associate", CHOOSE_ADULT))
    if data.issued_on is None:
        errors.append(FieldError("issued_on", ENTER_ISSUED))
    elif data.issued_on > timezone.localdate():
        errors.append(FieldError("issued_on", ISSUED_NOT_FUTURE))
    if data.expires_on and data.issued_on and data.expires_on <= data.issued_on:
        errors.append(FieldError("expires_on", EXPIRES_AFTER))
    return errors


def _adult(child: Child, data: CawnInput) -> Associate:
    if data.associate != NEW_ADULT:
        return Associate.objects.get(pk=int(data.associate))
    adult = Associate.objects.create(
        force=child.force, given_name=data.new_given_name.strip(), family_name=data.new_family_name.strip()
    )
    ChildAssociate.objects.create(child=child, associate=adult, of_concern=True, noted_on=data.issued_on)
    return adult


def cawn_issue(*, child_id: int, data: CawnInput, acting_user: User) -> AbductionWarningNotice:
    """Record a CAWN issued to an adult linked to the child, or to a new adult (who is then linked to
    the child as of concern). Police only; bad input is refused with field errors, saving nothing."""
    with transaction.atomic():
        child = police_child(acting_user, child_id)
        errors = _cawn_errors(data, child)
        if errors:
            raise InvalidInput(errors)
        assert data.issued_on is not None  # checked above
        cawn = AbductionWarningNotice.objects.create(
            associate=_adult(child, data),
            child=child,
            issued_on=data.issued_on,
            expires_on=data.expires_on,
            issued_by=acting_user,
            follow_up=data.follow_up.strip(),
        )
        access_record(user=acting_user, action="create", record_type="cawn", record_ids=[cawn.pk])
        return cawn


@dataclass(frozen=True)
class BreachInput:
    on: date | None
    note: str
    follow_up: str = ""


def _breach_errors(data: BreachInput, cawn: AbductionWarningNotice) -> list[FieldError]:
    errors = []
    if data.on is None:
        errors.append(FieldError("on", ENTER_BREACH_ON))
    elif data.on > timezone.localdate():
        errors.append(FieldError("on", BREACH_NOT_FUTURE))
    elif data.on < cawn.issued_on:
        errors.append(FieldError("on", BREACH_AFTER_ISSUE))
    if not data.note.strip():
        errors.append(FieldError("note", ENTER_BREACH_NOTE))
    return errors


def cawn_breach_record(
    *, child_id: int, cawn_id: int, data: BreachInput, acting_user: User
) -> AbductionWarningNotice:
    """Add a breach (date, what happened, the follow-up) to a child's CAWN. Police only; 404 for a
    notice not on a child the officer can see; bad input refused with field errors, saving nothing."""
    with transaction.atomic():
        child = police_child(acting_user, child_id)
        cawn = AbductionWarningNotice.objects.select_for_update().filter(pk=cawn_id, child=child).first()
        if cawn is None:
            raise Http404("No such notice")
        errors = _breach_errors(data, cawn)
        if errors:
            raise InvalidInput(errors)
        breach = {
            "on": data.on.isoformat(),  # type: ignore[union-attr]
            "note": data.note.strip(),
            "follow_up": data.follow_up.strip(),
            "recorded_by": acting_user.get_full_name() or acting_user.username,
            "recorded_at": timezone.now().isoformat(),
        }
        cawn.breaches = [*(cawn.breaches or []), breach]
        cawn.save(update_fields=["breaches"])
        access_record(user=acting_user, action="change", record_type="cawn", record_ids=[cawn.pk])
        return cawn
