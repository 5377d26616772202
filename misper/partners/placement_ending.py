"""Ending a placement: the placing authority, or the host force's missing person coordinator, records
the last day of a placement and why it ended.

``placement_end`` sets ``ends_on`` (the last day of the placement) in one transaction with the change
history, an access event and the ``placement.ended`` alert to the host force (and the host authority).

What the host force keeps: the access rule (``people.selectors.child_access_q``) lets the host force see
a child *while a notice is current* (``ends_on`` empty or not passed). That rule is per child, and an
episode is visible exactly when its child is, so there is no per-episode grant to keep: from the day
after ``ends_on`` the host force no longer sees the child or any of its episodes on the placing force's
record (episodes it recorded on a child record of its own force stay its own, as always). Keeping
read access to only the episodes that happened during the placement needs an episode-level rule; see
docs/partners.md ("Ending a placement").
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from misper.accounts.models import SUPERVISING_ROLES, Role, User
from misper.audit.history import history_save
from misper.audit.services import access_record
from misper.core.errors import ConflictError, FieldError, InvalidInput
from misper.notifications.alerts import Recipient, child_alerts_write
from misper.partners.models import PlacementNotice
from misper.partners.placements import notice_access_q
from misper.people.selectors import visible_children

ENDED_EVENT = "placement.ended"
NO_SUCH_NOTICE = "No such notice"
END_NOT_ALLOWED = (
    "Only the placing authority or the host force's missing person coordinators and supervisors can "
    "end a placement."
)
ALREADY_ENDED = "This placement has already been ended."
STALE = "Someone else changed this notice after you opened the page. Check it and try again."
ENTER_VERSION = "Give the version of the notice you are ending (it is on the notice)"
ENTER_ENDED_ON = "Enter the last day of the placement"
ENDED_BEFORE_START = "The placement cannot end before it started ({starts})"
ENDED_IN_FUTURE = "The last day of the placement cannot be in the future"
ENTER_REASON = "Enter why the placement ended"
REASON_MAX = 2000
REASON_TOO_LONG = f"Why the placement ended must be {REASON_MAX} characters or fewer"


def visible_notices(user: User) -> QuerySet[PlacementNotice]:
    """The access rule for one notice (the notice page, ending, the API): received by or sent by the
    user's agency (``placements.received_notices`` ∪ ``placements.sent_notices``), about a child the user
    can see."""
    q = notice_access_q(user)
    if q is None:
        return PlacementNotice.objects.none()
    return PlacementNotice.objects.filter(q, child__in=visible_children(user).values("pk")).select_related(
        "child", "placing_authority", "host_authority", "host_force", "placement", "ended_by"
    )


def access_notice_by_id(user: User, notice_id: int) -> PlacementNotice:
    """The notice if the user may see it; 404 otherwise (never 403: no existence leak)."""
    notice = visible_notices(user).filter(pk=notice_id).first()
    if notice is None:
        raise Http404(NO_SUCH_NOTICE)
    return notice


def may_end(user: User, notice: PlacementNotice) -> bool:
    """The placing authority's practitioners, and the host force's coordinators and supervisors."""
    if user.is_police:
        return user.role in SUPERVISING_ROLES and user.agency_id == notice.host_force_id
    return user.role == Role.PARTNER_PRACTITIONER and user.agency_id == notice.placing_authority_id


def is_ended(notice: PlacementNotice) -> bool:
    """Ended through ``placement_end``, or given a last day that has passed."""
    return notice.ended_at is not None or (
        notice.ends_on is not None and notice.ends_on < timezone.localdate()
    )


def end_errors(notice: PlacementNotice, ended_on: date | None, reason: str) -> list[FieldError]:
    """Every field error at once: the last day (from the start, not in the future) and the reason."""
    errors = []
    if ended_on is None:
        errors.append(FieldError("ended_on", ENTER_ENDED_ON))
    elif ended_on < notice.starts_on:
        starts = notice.starts_on.strftime("%-d %B %Y")
        errors.append(FieldError("ended_on", ENDED_BEFORE_START.format(starts=starts)))
    elif ended_on > timezone.localdate():
        errors.append(FieldError("ended_on", ENDED_IN_FUTURE))
    if not reason.strip():
        errors.append(FieldError("reason", ENTER_REASON))
    elif len(reason.strip()) > REASON_MAX:
        errors.append(FieldError("reason", REASON_TOO_LONG))
    return errors


def _recipients(notice: PlacementNotice, acting_user: User) -> list[Recipient]:
    """The host force, the host authority and the placing authority (responsible for the child), less
    the agency that ended the placement."""
    agencies = [notice.host_force, notice.host_authority, notice.placing_authority]
    seen: set[int] = {acting_user.agency_id} if acting_user.agency_id else set()
    out = []
    for agency in agencies:
        if agency is not None and agency.active and agency.pk not in seen:
            seen.add(agency.pk)
            out.append(Recipient(agency))
    return out


def placement_end(
    *, user: User, notice: PlacementNotice, ended_on: date | None, reason: str, version: int | None
) -> PlacementNotice:
    """End ``notice`` with its last day ``ended_on`` and a ``reason``.

    404 if the user may not see the notice; PermissionDenied unless ``may_end``; ConflictError if it
    has already ended or ``version`` is stale; InvalidInput naming each bad field. Nothing is saved on
    any refusal. The notice, its change history, an access event and the ``placement.ended`` alerts
    commit together."""
    with transaction.atomic():
        locked = visible_notices(user).select_for_update(of=("self",)).filter(pk=notice.pk).first()
        if locked is None:
            raise Http404(NO_SUCH_NOTICE)
        if not may_end(user, locked):
            raise PermissionDenied(END_NOT_ALLOWED)
        if locked.ended_at is not None:
            raise ConflictError(ALREADY_ENDED)
        if version is None:
            raise InvalidInput(FieldError("version", ENTER_VERSION))
        if version != locked.version:
            raise ConflictError(STALE)
        errors = end_errors(locked, ended_on, reason)
        if errors:
            raise InvalidInput(errors)
        locked.ends_on = ended_on
        locked.end_reason = reason.strip()
        locked.ended_at = timezone.now()
        locked.ended_by = user
        locked.version += 1
        history_save(locked, user=user)
        access_record(user=user, action="change", record_type="placement_notice", record_ids=[locked.pk])
        child_alerts_write(
            event=ENDED_EVENT,
            child=locked.child,
            recipients=_recipients(locked, user),
            key=f"{ENDED_EVENT}:{locked.pk}",
            payload_extra={
                "notice_id": locked.pk,
                "ended_on": ended_on.isoformat(),  # type: ignore[union-attr]
                "placing_authority": locked.placing_authority.name,
            },
        )
        return locked
