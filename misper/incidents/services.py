"""Writes for incidents (docs/incidents.md). Each is one transaction: the incident, its link to an episode,
the access event and the ``incident.linked`` webhook rows commit together or not at all.

- ``incident_receive``: an incident from command and control, idempotent by force and incident number.
- ``incident_report``: the report made from a missing-person incident (the report page, pre-filled).
- ``incident_add_to_episode``: the control room adds a waiting incident to the child's open episode.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from misper.accounts.models import User
from misper.audit.history import history_save
from misper.audit.services import access_record
from misper.core.errors import ConflictError
from misper.core.http import canonical_sha256
from misper.episodes.models import Episode
from misper.episodes.selectors import visible_episodes
from misper.episodes.services import ReportOutcome, open_episode_for
from misper.episodes.services_work import episode_report_with_place
from misper.incidents.codes import is_missing_person
from misper.incidents.feed import IncidentDoc, incident_doc_read
from misper.incidents.models import Incident, LinkKind
from misper.incidents.selectors import (
    FEED_NOT_ALLOWED,
    READ_NOT_ALLOWED,
    child_for_incident,
    may_read_incidents,
    may_send_incidents,
)
from misper.notifications.alerts import incident_linked_alert_write

NOT_MISSING_PERSON = "This incident's opening code is not a missing-person code, so it needs no report."
ALREADY_LINKED = "Incident {number} already led to episode {reference}."
OTHER_FORCE_EPISODE = "No such episode"


class IncidentLinkedError(ConflictError):
    """The incident already led to an episode: a report started from it again is refused, saying which."""


@dataclass
class ReceiveOutcome:
    incident: Incident
    created: bool
    changed: bool


def incident_receive(*, data: Any, acting_user: User) -> ReceiveOutcome:
    """Store the incident ``data`` (the feed document) for the user's force. The same incident number
    again with the same body changes nothing; with a different body it is an update (the latest body wins,
    the episode link stays). A missing-person incident naming a child with an open episode joins it."""
    if not may_send_incidents(acting_user):
        raise PermissionDenied(FEED_NOT_ALLOWED)
    doc = incident_doc_read(data)
    digest = canonical_sha256(doc.model_dump(mode="json"))
    try:
        with transaction.atomic():
            return _receive(doc, digest, acting_user)
    except IntegrityError:  # the same number arrived twice at once: the first one stored answers
        with transaction.atomic():
            return _receive(doc, digest, acting_user)


def _receive(doc: IncidentDoc, digest: str, user: User) -> ReceiveOutcome:
    existing = (
        Incident.objects.select_for_update()
        .filter(force_id=user.agency_id, number=doc.incident_number)
        .first()
    )
    if existing is not None and existing.request_sha256 == digest:
        return ReceiveOutcome(existing, created=False, changed=False)
    force = cast(int, user.agency_id)  # the sender is a force's user: incident_receive checks it
    incident = existing or Incident(force_id=force, number=doc.incident_number, received_by=user)
    _fill(incident, doc, digest)
    if existing is not None:
        incident.version += 1
    history_save(incident, user=user)
    access_record(
        user=user, action="change" if existing else "create", record_type="incident", record_ids=[incident.pk]
    )
    if incident.episode_id is None and is_missing_person(incident.opening_code):
        _join_open_episode(incident, user)
    return ReceiveOutcome(incident, created=existing is None, changed=True)


def _fill(incident: Incident, doc: IncidentDoc, digest: str) -> None:
    incident.opened_at, incident.closed_at = doc.opened_at, doc.closed_at
    incident.opening_code, incident.free_text = doc.opening_code, doc.free_text
    c, loc, s = doc.caller, doc.location, doc.subject
    incident.caller_name, incident.caller_phone, incident.caller_relationship = (
        c.name,
        c.phone,
        c.relationship,
    )
    incident.location_address, incident.location_town = loc.address, loc.town
    incident.location_postcode = loc.postcode.upper()
    incident.subject_given_name, incident.subject_family_name = s.given_name, s.family_name
    incident.subject_date_of_birth, incident.subject_child_ref = s.date_of_birth, s.child_ref
    incident.request_sha256 = digest


def _join_open_episode(incident: Incident, user: User) -> None:
    """Add the incident to the open episode of the child it names beyond doubt (by reference, or by name
    and date of birth when one child of the force matches): one open episode per child, so the incident
    never makes a second one."""
    child = child_for_incident(incident)
    episode = open_episode_for(child) if child is not None else None
    if episode is not None:
        _link(incident, episode, LinkKind.JOINED, user)


def _link(incident: Incident, episode: Episode, kind: str, user: User) -> None:
    incident.episode, incident.link_kind = episode, kind
    incident.linked_at, incident.linked_by = timezone.now(), user
    incident.version += 1
    history_save(incident, user=user)
    access_record(
        user=user,
        action="change",
        record_type="episode",
        record_ids=[episode.pk],
        purpose=f"incident {incident.number} linked"[:200],
    )
    incident_linked_alert_write(episode=episode, incident=incident)


def _lock_waiting(incident_id: int, user: User) -> Incident:
    """The user's force's missing-person incident, locked, still with no episode (else ConflictError)."""
    if not may_read_incidents(user):
        raise PermissionDenied(READ_NOT_ALLOWED)
    incident = Incident.objects.select_for_update().filter(pk=incident_id, force_id=user.agency_id).first()
    if incident is None:
        raise Http404("No such incident")
    if not is_missing_person(incident.opening_code):
        raise ConflictError(NOT_MISSING_PERSON)
    if incident.episode is not None:
        raise IncidentLinkedError(
            ALREADY_LINKED.format(number=incident.number, reference=incident.episode.reference),
            context={"episode": {"id": incident.episode.pk, "reference": incident.episode.reference}},
        )
    return incident


def incident_report(
    *,
    incident_id: int,
    doc: dict[str, Any],
    acting_user: User,
    missing_from: dict[str, str] | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
) -> ReportOutcome:
    """Record the report made from a waiting missing-person incident (``episode_report_with_place``) and
    link the incident to the new episode, all or nothing. The episode then shows the incident number and
    the caller's system hears of it by webhook."""
    with transaction.atomic():
        incident = _lock_waiting(incident_id, acting_user)
        outcome = episode_report_with_place(
            doc=doc,
            acting_user=acting_user,
            missing_from=missing_from,
            reporter_name=reporter_name,
            reporter_phone=reporter_phone,
        )
        _link(incident, outcome.episode, LinkKind.REPORTED, acting_user)
        return outcome


def incident_add_to_episode(*, incident_id: int, episode_id: int, acting_user: User) -> Incident:
    """Add a waiting missing-person incident to an open episode of the user's force (the child was already
    reported missing). Another force's episode is a 404; a closed or found one a ConflictError."""
    with transaction.atomic():
        incident = _lock_waiting(incident_id, acting_user)
        episode = (
            visible_episodes(acting_user)
            .select_for_update()
            .filter(pk=episode_id, force_id=acting_user.agency_id)
            .first()
        )
        if episode is None:
            raise Http404(OTHER_FORCE_EPISODE)
        if not episode.is_open:
            raise ConflictError(f"Episode {episode.reference} is no longer open: start a new report instead.")
        _link(incident, episode, LinkKind.ADDED, acting_user)
        return incident
