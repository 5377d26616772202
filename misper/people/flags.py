"""Vulnerability flags: who may see them, and the services that add, review and expire them.

A flag is a dated fact about a child (a misper/1 vulnerability code) with who says so and what it rests
on. Police and partners who may see the child add flags; a partner's flag carries their agency, so
police see where it came from. A flag police mark "police only" is never shown to a partner (the
selectors below leave it out, so a partner cannot even find it by id). Expiring a flag needs a reason;
the flag stays on file, out of force from that day, so the engine stops counting it at the next report
(``VulnerabilityFlag.is_current``). Every change is written to the change history.
"""

from __future__ import annotations

from datetime import date

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
from misper.partners.field_access import owned_q
from misper.people.models import Child, VulnerabilityFlag
from misper.people.selectors import access_child_by_id, child_access_q
from misper.risk import VULNERABILITIES

UNKNOWN_CODE = "Choose a vulnerability from the list"
NEED_SOURCE = "Say who says so, for example the child's social worker"
REVIEW_IN_PAST = "The review date must be today or later"
NEED_REASON = "Say why the flag no longer applies"
ALREADY_EXPIRED = "This flag has already been expired"
STALE = "Someone else changed this flag since you opened it; reload and try again"
MAX_TEXT = 2000


def visible_flags(user: User) -> QuerySet[VulnerabilityFlag]:
    """Flags on children ``user`` may see; police-only flags only on their own force's children
    (``partners.field_access``: not for partners, nor for a host force)."""
    flags = VulnerabilityFlag.objects.filter(child_access_q(user, prefix="child__"))
    return flags.filter(Q(police_only=False) | owned_q(user, "child__"))


def access_flag_by_id(user: User, flag_id: int) -> VulnerabilityFlag:
    """The flag if ``user`` may see it; 404 otherwise (never 403: no existence leak)."""
    flag = visible_flags(user).select_related("child").filter(pk=flag_id).first()
    if flag is None:
        raise Http404("No such flag")
    return flag


def police_only_codes(child_id: int) -> frozenset[str]:
    """Codes of the child's police-only flags (ever): an engine reason with one of them is withheld from
    partners (``partners.projections.reasons_for``), or the reason would reveal the flag."""
    rows = VulnerabilityFlag.objects.filter(child_id=child_id, police_only=True).values_list(
        "code", flat=True
    )
    return frozenset(rows)


def child_flags(user: User, child: Child) -> list[VulnerabilityFlag]:
    """Every flag on ``child`` that ``user`` may see, current ones first, newest first."""
    rows = visible_flags(user).filter(child=child).select_related("source_agency", "created_by")
    flags = list(rows.order_by("-noted_on", "-pk"))
    today = timezone.localdate()
    return sorted(flags, key=lambda f: not f.is_current(today))


def _check_flag_input(*, code: str, source: str, review_on: date | None, notes: str) -> None:
    errors = []
    if code not in VULNERABILITIES:
        errors.append(FieldError("code", UNKNOWN_CODE))
    if not source.strip():
        errors.append(FieldError("source", NEED_SOURCE))
    elif len(source) > 200:
        errors.append(FieldError("source", "Keep who says so to 200 characters or fewer"))
    if review_on is not None and review_on < timezone.localdate():
        errors.append(FieldError("review_by", REVIEW_IN_PAST))
    if len(notes) > MAX_TEXT:
        errors.append(FieldError("notes", f"Keep what it rests on to {MAX_TEXT} characters or fewer"))
    if errors:
        raise InvalidInput(errors)


def flag_add(
    *,
    child_id: int,
    code: str,
    source: str,
    acting_user: User,
    review_on: date | None = None,
    notes: str = "",
    police_only: bool = False,
) -> VulnerabilityFlag:
    """Add a flag to a child ``acting_user`` may see (404 otherwise). Partners' flags carry their agency
    and cannot be police-only. A bad code, no source or a past review date is a 422, nothing stored."""
    _check_flag_input(code=code, source=source, review_on=review_on, notes=notes)
    if police_only and not acting_user.is_police:
        raise PermissionDenied("Only police can mark a flag police only.")
    with transaction.atomic():
        child = access_child_by_id(acting_user, child_id)
        flag = VulnerabilityFlag(
            child=child,
            code=code,
            source=source.strip(),
            source_agency=acting_user.agency,
            noted_on=timezone.localdate(),
            review_on=review_on,
            notes=notes.strip(),
            police_only=police_only,
            created_by=acting_user,
        )
        flag.full_clean()
        flag.save()
        history_record(instance=flag, before=None, user=acting_user, action="create")
        access_record(user=acting_user, action="create", record_type="child", record_ids=[child.pk])
        return flag


def _locked(user: User, flag_id: int, expected_version: int | None) -> VulnerabilityFlag:
    flag = access_flag_by_id(user, flag_id)
    if not user.is_police and flag.source_agency_id != user.agency_id:
        raise PermissionDenied("Only police or the agency that raised a flag can change it.")
    flag = VulnerabilityFlag.objects.select_for_update().get(pk=flag.pk)
    version_check(current=flag.version, expected=expected_version, stale_message=STALE)
    if flag.expired_at is not None:
        raise ConflictError(ALREADY_EXPIRED)
    return flag


def flag_review(
    *, flag_id: int, acting_user: User, next_review_on: date | None, expected_version: int | None = None
) -> VulnerabilityFlag:
    """Record that the flag was looked at today and still applies; set the next review date."""
    if next_review_on is not None and next_review_on < timezone.localdate():
        raise InvalidInput(FieldError("review_by", REVIEW_IN_PAST))
    with transaction.atomic():
        flag = _locked(acting_user, flag_id, expected_version)
        flag.reviewed_on, flag.reviewed_by, flag.review_on = timezone.localdate(), acting_user, next_review_on
        flag.version += 1
        history_save(flag, user=acting_user)
        access_record(user=acting_user, action="change", record_type="child", record_ids=[flag.child_id])
        return flag


def flag_expire(
    *, flag_id: int, reason: str, acting_user: User, expected_version: int | None = None
) -> VulnerabilityFlag:
    """End a flag today, with a reason. It stays on file (history) but no longer counts."""
    if not reason.strip():
        raise InvalidInput(FieldError("reason", NEED_REASON))
    if len(reason) > MAX_TEXT:
        raise InvalidInput(FieldError("reason", f"Keep the reason to {MAX_TEXT} characters or fewer"))
    with transaction.atomic():
        flag = _locked(acting_user, flag_id, expected_version)
        flag.expired_at, flag.expired_by, flag.expired_reason = timezone.now(), acting_user, reason.strip()
        flag.version += 1
        history_save(flag, user=acting_user)
        access_record(user=acting_user, action="change", record_type="child", record_ids=[flag.child_id])
        return flag
