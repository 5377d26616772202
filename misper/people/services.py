"""Writes for children. One transaction each, with the access event inside."""

from __future__ import annotations

import uuid
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from misper.accounts.models import User
from misper.audit.services import access_record
from misper.core.errors import FieldError, InvalidInput
from misper.people.models import Child, Location, LocationKind

# Marked for the Welsh catalogue (the API answers in English; the page translates them).
DOB_FUTURE = gettext_noop("Date of birth must be in the past")
DOB_TOO_OLD = gettext_noop("misper is for children and young people: check the date of birth")


def date_of_birth_error(dob: date) -> str | None:
    """What is wrong with a new child's date of birth, or None: the one rule for the page and the API."""
    today = timezone.localdate()
    if dob > today:
        return DOB_FUTURE
    if (today - dob).days > 366 * 25:
        return DOB_TOO_OLD
    return None


def child_create(
    *,
    acting_user: User,
    given_name: str,
    family_name: str,
    date_of_birth: date,
    sex: str = "unknown",
    description: str = "",
    looked_after: bool = False,
    placement_type: str = "home",
    town: str = "",
    postcode: str = "",
) -> Child:
    """Create a child not yet on file in the user's force, with a force reference ``WEB-<number>``."""
    if not acting_user.is_police:
        raise PermissionDenied("Only police users can create a child record.")
    errors = [
        FieldError(name, message)
        for name, value, message in (
            ("given_name", given_name, "Enter the child's first name"),
            ("family_name", family_name, "Enter the child's last name"),
        )
        if not value.strip()
    ]
    dob_error = date_of_birth_error(date_of_birth)
    if dob_error:
        errors.append(FieldError("date_of_birth", dob_error))
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        force = acting_user.agency
        assert force is not None
        address = None
        if town.strip() or postcode.strip():
            kind = LocationKind.HOME if placement_type == "home" else LocationKind.PLACEMENT
            address = Location.objects.create(
                force=force, kind=kind, town=town.strip(), postcode=postcode.strip().upper()
            )
        child = Child(
            force=force,
            ref=f"tmp-{uuid.uuid4().hex[:16]}",  # replaced below, once the pk is known
            given_name=given_name.strip(),
            family_name=family_name.strip(),
            date_of_birth=date_of_birth,
            sex=sex,
            description=description,
            looked_after=looked_after,
            placement_type=placement_type,
        )
        if placement_type == "home":
            child.home_address = address
        else:
            child.placement_address = address
        child.save()
        child.ref = f"WEB-{child.pk:06d}"
        child.save(update_fields=["ref"])
        access_record(user=acting_user, action="create", record_type="child", record_ids=[child.pk])
        return child
