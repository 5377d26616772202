"""The live force-to-national feed: a force pushes changed national-return lines through the API.

``misper export national`` sends a month at a time; this sends an episode as it changes (reported,
found, closed), so the national "missing now" is live. A line is exactly a national return line
(version 2, ``misper/analytics/schema/national-return-2.schema.json``). A force may send only its own
records. All lines of one push are stored, with one access event, or none is (one transaction).

A pushed episode of a child the national side already knows (same force and reference) takes that
child's person at once; a child new to the national side is linked by the next ``misper national
relink`` (run on a schedule: linking every child again takes minutes at national scale, too long for a
request).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from misper.accounts.models import Role, User
from misper.analytics.national_return import validate_line
from misper.audit.services import access_record
from misper.core.errors import FieldError, InvalidInput
from misper.national.models import NationalRecord, PersonLink
from misper.national.services import ImportResult, import_row, record_upsert

PUSH_ROLES = frozenset({Role.COORDINATOR, Role.SUPERVISOR, Role.ANALYST})
NOT_ALLOWED = "Only a police force's coordinators, supervisors and analysts can send its national return."
NOT_YOUR_FORCE = "You can only send your own force's records (source must be {code})."
REPEATED = "This episode is already in line {line} of this push."
PUSH_SOURCE = "API push"


@dataclass(frozen=True)
class PushResult:
    created: int
    updated: int
    unchanged: int
    waiting_for_linkage: int  # children new to the national side: linked by the next relink


def _check(lines: list[Any], code: str) -> list[dict[str, Any]]:
    """Every line valid, from the user's own force, each episode once; InvalidInput naming the field."""
    errors: list[FieldError] = []
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[str, str, str], int] = {}
    for i, line in enumerate(lines):
        problems = validate_line(line) if isinstance(line, dict) else ["(top): must be a JSON object"]
        if problems:
            path, _, message = problems[0].partition(": ")
            errors.append(
                FieldError(f"lines[{i}]" + ("" if path == "(top)" else "." + path.replace("/", ".")), message)
            )
            continue
        if line["source"] != code:
            errors.append(FieldError(f"lines[{i}].source", NOT_YOUR_FORCE.format(code=code)))
            continue
        row, row_errors = import_row(line)
        if row is None:
            errors.append(FieldError(f"lines[{i}]", " ".join(row_errors)))
            continue
        key = (row["source"], row["ref"], row["episode_key"])
        if key in seen:
            errors.append(FieldError(f"lines[{i}].episode.ref", REPEATED.format(line=seen[key])))
            continue
        seen[key] = i
        rows.append(row)
    if errors:
        raise InvalidInput(errors)
    return rows


def _link_known_children(pks: list[int]) -> int:
    """Give each new record of a child already linked that child's person; returns how many wait."""
    keys = {(r.source, r.ref): r.pk for r in NationalRecord.objects.filter(pk__in=pks, link__isnull=True)}
    if not keys:
        return 0
    linked = NationalRecord.objects.filter(
        source__in={s for s, _ in keys}, ref__in={r for _, r in keys}, link__isnull=False
    ).values_list("source", "ref", "link__person_id")
    known = {(s, r): pid for s, r, pid in linked if (s, r) in keys}
    PersonLink.objects.bulk_create(
        [PersonLink(record_id=keys[key], person_id=pid) for key, pid in known.items()]
    )
    return len(keys) - len(known)


def national_push(*, lines: list[Any], acting_user: User) -> PushResult:
    """Store a force's pushed national-return lines (upsert by force, child and episode reference)."""
    if not (acting_user.is_police and acting_user.role in PUSH_ROLES):
        raise PermissionDenied(NOT_ALLOWED)
    code = acting_user.agency.code  # type: ignore[union-attr]
    rows = _check(lines, code)
    result = ImportResult()
    with transaction.atomic():
        pks = [record_upsert(row, PUSH_SOURCE, result) for row in rows]
        waiting = _link_known_children(pks)
        access_record(
            user=acting_user, action="disclose", record_type="national_record", record_ids=pks,
            purpose=f"National return push for {code}: {result.created} new, {result.updated} changed",
        )  # fmt: skip
    return PushResult(result.created, result.updated, result.unchanged, waiting)
