"""``misper incidents import FILE``: a batch of incidents as JSON lines, one feed document a line
(docs/incidents.md). Each line is received by ``incident_receive`` in its own transaction: a good line is
stored whole, a bad one not at all, and every bad line is reported by its number with each field's
problem. The same file again changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied

from misper.accounts.models import User
from misper.core.errors import ConflictError, FieldError, InvalidInput
from misper.core.http import MAX_DOCUMENT_BYTES, json_loads_strict
from misper.incidents.selectors import FEED_NOT_ALLOWED, may_send_incidents
from misper.incidents.services import incident_receive


@dataclass
class Reject:
    line: int
    errors: list[str]


@dataclass
class ImportResult:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    with_episode: int = 0
    rejects: list[Reject] = field(default_factory=list)


def incidents_import(*, path: Path, acting_user: User) -> ImportResult:
    """Receive every line of ``path`` as ``acting_user`` (a call handler or supervisor of the force; else
    PermissionDenied before anything is read). Blank lines are skipped."""
    if not may_send_incidents(acting_user):
        raise PermissionDenied(FEED_NOT_ALLOWED)
    result = ImportResult()
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            try:
                _line(raw, acting_user, result)
            except InvalidInput as exc:
                result.rejects.append(Reject(number, [f"{e.field}: {e.message}" for e in exc.errors]))
            except ConflictError as exc:
                result.rejects.append(Reject(number, [str(exc)]))
    return result


def _line(raw: bytes, user: User, result: ImportResult) -> None:
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise InvalidInput(FieldError("line", f"is longer than {MAX_DOCUMENT_BYTES} bytes"))
    outcome = incident_receive(data=json_loads_strict(raw), acting_user=user)
    if outcome.created:
        result.created += 1
    elif outcome.changed:
        result.changed += 1
    else:
        result.unchanged += 1
    if outcome.incident.episode_id is not None:
        result.with_episode += 1
