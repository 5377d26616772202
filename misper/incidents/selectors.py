"""Reads for incidents, with the access rule in one place: a force's incidents are seen by its control
room (call handlers) and its supervising roles (supervisors, coordinators, duty inspectors), nobody else.
Another force's incident is a 404, never a 403 (no existence leak)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from misper.accounts.models import Role, User
from misper.incidents.codes import MISSING_PERSON_CODES
from misper.incidents.models import Incident
from misper.people.models import Child

# Who may send incidents into misper: a force's call handlers (a command-and-control system signs in as a
# call handler account of the force) and its supervisors (the control room's).
FEED_ROLES = frozenset({Role.CALL_HANDLER, Role.SUPERVISOR})
READ_ROLES = FEED_ROLES | {Role.COORDINATOR, Role.DUTY_INSPECTOR}
FEED_NOT_ALLOWED = (
    "Only a force's call handlers and supervisors (or its control-room system) can send incidents."
)
READ_NOT_ALLOWED = "Only the control room, supervisors and missing person coordinators can see incidents."


def may_send_incidents(user: User) -> bool:
    return user.is_police and user.role in FEED_ROLES


def may_read_incidents(user: User) -> bool:
    return user.is_police and user.role in READ_ROLES


def visible_incidents(user: User) -> QuerySet[Incident]:
    """The incidents of the user's own force, if their role may read incidents (PermissionDenied if not)."""
    if not may_read_incidents(user):
        raise PermissionDenied(READ_NOT_ALLOWED)
    return Incident.objects.filter(force_id=user.agency_id)


def access_incident_by_id(user: User, incident_id: int) -> Incident:
    incident = (
        visible_incidents(user).select_related("episode", "episode__child").filter(pk=incident_id).first()
    )
    if incident is None:
        raise Http404("No such incident")
    return incident


def incidents_without_episode(user: User) -> list[Incident]:
    """Missing-person incidents with no episode, the oldest first: those closed in the control room with
    no missing record first of all (the inspection found them)."""
    rows = list(
        visible_incidents(user)
        .filter(opening_code__in=MISSING_PERSON_CODES, episode__isnull=True)
        .order_by("opened_at", "pk")
    )
    return sorted(rows, key=lambda i: i.closed_at is None)


def incident_list(
    user: User, *, without_episode: bool, limit: int, offset: int
) -> tuple[int, list[Incident]]:
    qs = visible_incidents(user).select_related("episode")
    if without_episode:
        qs = qs.filter(opening_code__in=MISSING_PERSON_CODES, episode__isnull=True)
    return qs.count(), list(qs.order_by("-opened_at", "-pk")[offset : offset + limit])


def child_candidates(incident: Incident) -> list[Child]:
    """Children of the incident's force it may be about, for a person to choose from: its child reference,
    else the same first and family name (the date of birth the control room took may be wrong)."""
    children = Child.objects.filter(force_id=incident.force_id)
    if incident.subject_child_ref:
        by_ref = list(children.filter(ref=incident.subject_child_ref))
        if by_ref:
            return by_ref
    if not (incident.subject_given_name and incident.subject_family_name):
        return []
    named = children.filter(
        given_name__iexact=incident.subject_given_name, family_name__iexact=incident.subject_family_name
    )
    return list(named.order_by("family_name", "given_name", "pk")[:10])


def child_for_incident(incident: Incident) -> Child | None:
    """The one child the incident names beyond doubt: by child reference, or by first name, family name
    and date of birth when exactly one child of the force matches. None otherwise: nothing is attached by a
    guess, and the incident waits in the queue for a person to choose."""
    children = Child.objects.filter(force_id=incident.force_id)
    if incident.subject_child_ref:
        return children.filter(ref=incident.subject_child_ref).first()
    if not (incident.subject_given_name and incident.subject_family_name and incident.subject_date_of_birth):
        return None
    matches = list(
        children.filter(
            given_name__iexact=incident.subject_given_name,
            family_name__iexact=incident.subject_family_name,
            date_of_birth=incident.subject_date_of_birth,
        )[:2]
    )
    return matches[0] if len(matches) == 1 else None


CLOSED_WITHOUT_RECORD = "Closed in the control room with no missing record"


def incident_status(incident: Incident) -> tuple[str, str]:
    """Where the incident stands, as a code and in words."""
    if incident.episode_id is not None:
        return "linked", f"Led to episode {incident.episode.reference}"  # type: ignore[union-attr]
    if incident.opening_code not in MISSING_PERSON_CODES:
        return "not_missing_person", "Not a missing-person incident"
    if incident.closed_at is not None:
        return "closed_without_report", CLOSED_WITHOUT_RECORD
    return "awaiting_report", "Missing person: no report yet"


def report_prefill(incident: Incident) -> dict[str, object]:
    """The report form's first answers from the incident: who called, when, where from, what happened."""
    return {
        "reported_at": incident.opened_at,
        "reporter_type": incident.caller_relationship or None,
        "reporter_name": incident.caller_name,
        "reporter_phone": incident.caller_phone,
        "from_place": incident.location_address,
        "from_town": incident.location_town,
        "from_postcode": incident.location_postcode,
        "circumstances": incident.free_text,
    }
