"""Writes for the national view: importing returns, re-linking, and reviewers' decisions.

Each write is one transaction with its access event inside it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from misper.accounts.models import User
from misper.audit.services import access_record
from misper.core.errors import ConflictError
from misper.episodes.models import Category, Risk, Status
from misper.national.linkage import Decision as LinkDecision
from misper.national.linkage import LinkRecord, link
from misper.national.linkage.records import Problem, Reject, numbered_lines, parse_line, record_from_document
from misper.national.models import Decision, NationalRecord, PersonLink, ReviewPair, age_at

EPISODE_KEY_MISSING = (
    "Enter the episode's reference ('episode.ref') or when it was reported ('report.reported_at')."
)
DATETIME_INVALID = "'{field}' must be a date and time with a UTC offset, like 2026-03-01T22:30:00+00:00."
CHOICE_INVALID = "'{field}' must be one of: {choices}."
EPISODE_DUPLICATE = "This episode is already on line {line} of the file."

_CHOICES = {"risk": Risk.values, "category": Category.values, "status": Status.values}
_FIELDS = (
    "given_name", "family_name", "date_of_birth", "sex", "address_line", "town", "postcode",
    "reported_at", "found_at", "risk", "category", "status",
)  # fmt: skip


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejects: list[Reject] = field(default_factory=list)


def _datetime(value: Any, label: str, errors: list[str]) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:  # well formed but impossible, like 2026-13-45T10:00:00+00:00
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        errors.append(DATETIME_INVALID.format(field=label))
        return None
    return parsed


def _episode_facts(doc: dict[str, Any], errors: list[str]) -> dict[str, Any]:
    """Episode facts from 'episode' (or 'outcome'), falling back to the misper/1 report and grading."""
    parts = [doc.get(name) or {} for name in ("outcome", "episode", "report", "operator_grading")]
    if not all(isinstance(x, dict) for x in parts):
        return {"_key": None}
    outcome, episode, report, grading = parts
    episode = {**outcome, **episode}  # a national return (version 2) has both; the episode's times are exact
    facts: dict[str, Any] = {
        "reported_at": _datetime(
            episode.get("reported_at") or report.get("reported_at"), "report.reported_at", errors
        ),
        "found_at": _datetime(episode.get("found_at"), "episode.found_at", errors),
    }
    for name, choices in _CHOICES.items():
        value = episode.get(name) or grading.get(name) or ""
        if value and value not in choices:
            errors.append(CHOICE_INVALID.format(field=f"episode.{name}", choices=", ".join(choices)))
        facts[name] = value if isinstance(value, str) else ""
    key = episode.get("ref") or (facts["reported_at"].isoformat() if facts["reported_at"] else None)
    facts["_key"] = str(key)[:100] if key else None
    return facts


def import_row(doc: Any) -> tuple[dict[str, Any] | None, list[str]]:
    record, errors = record_from_document(doc)
    facts = _episode_facts(doc, errors) if isinstance(doc, dict) else {"_key": None}
    if record is not None and not facts["_key"] and not errors:
        errors.append(EPISODE_KEY_MISSING)
    if errors or record is None:
        return None, errors
    values: dict[str, Any] = {name: getattr(record, name) or "" for name in _FIELDS[:7]}
    values.update({name: facts[name] for name in _FIELDS[7:]})
    values["age_at_report"] = age_at(values["date_of_birth"], values["reported_at"])
    return {"source": record.source, "ref": record.ref, "episode_key": facts["_key"], "values": values}, []


def _read_file(path: Path) -> tuple[list[dict[str, Any]], list[Reject]]:
    rows: list[dict[str, Any]] = []
    rejects: list[Reject] = []
    seen: dict[tuple[str, str, str], int] = {}
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, text in numbered_lines(handle):
            doc, errors = parse_line(text)
            row, errors = (None, errors) if errors else import_row(doc)
            key = (row["source"], row["ref"], row["episode_key"]) if row else None
            if key in seen:
                row, errors = None, [EPISODE_DUPLICATE.format(line=seen[key])]
            if row is None:
                rejects.append(Reject(line=number, errors=errors, text=text.rstrip("\n")))
                continue
            seen[key] = number  # type: ignore[index]
            rows.append(row)
    return rows, rejects


def record_upsert(row: dict[str, Any], source_name: str, result: ImportResult) -> int:
    existing = NationalRecord.objects.filter(
        source=row["source"], ref=row["ref"], episode_key=row["episode_key"]
    ).first()
    if existing is None:
        record = NationalRecord(source=row["source"], ref=row["ref"], episode_key=row["episode_key"])
        for name, value in row["values"].items():
            setattr(record, name, value)
        record.imported_from = source_name
        record.full_clean()
        record.save()
        result.created += 1
        return record.pk
    changed = [name for name, value in row["values"].items() if getattr(existing, name) != value]
    if changed:
        for name in changed:
            setattr(existing, name, row["values"][name])
        existing.full_clean()
        existing.save(update_fields=changed)
        result.updated += 1
    else:
        result.unchanged += 1
    return existing.pk


def write_rejects(path: Path, rejects: list[Reject], problems: Sequence[Problem] = ()) -> Path | None:
    """Write the rejects summary as JSONL beside ``path`` (``<path>.rejects.jsonl``); None when empty.

    A rejected line: ``{"line", "kept": false, "errors", "text"}``. A kept record with a field treated
    as missing: ``{"line", "kept": true, "errors"}``. In line order.
    """
    target = Path(f"{path}.rejects.jsonl")
    if not rejects and not problems:
        target.unlink(missing_ok=True)
        return None
    rows: dict[int, dict[str, Any]] = {}
    for reject in rejects:
        rows[reject.line] = {"line": reject.line, "kept": False, "errors": reject.errors, "text": reject.text}
    for problem in problems:
        rows.setdefault(problem.line, {"line": problem.line, "kept": True, "errors": []})
        rows[problem.line]["errors"].append(problem.message)
    with target.open("w", encoding="utf-8") as out:
        for line in sorted(rows):
            out.write(json.dumps(rows[line]) + "\n")
    return target


def national_import(*, path: Path, acting_user: User | None = None) -> ImportResult:
    """Import one national return file in one transaction. Malformed lines are rejects, not imported.

    Records are keyed by (source, ref, episode reference or reported time), so importing the same file
    again changes nothing. Call ``national_relink`` afterwards.
    """
    rows, rejects = _read_file(path)
    result = ImportResult(rejects=rejects)
    with transaction.atomic():
        pks = [record_upsert(row, path.name, result) for row in rows]
        access_record(
            user=acting_user, action="combine", record_type="national_record", record_ids=pks,
            purpose=f"import {path.name}: {result.created} new, {result.updated} changed, {len(rejects)} rejected",
        )  # fmt: skip
    return result


def _children() -> tuple[list[LinkRecord], dict[tuple[str, str], list[int]]]:
    """One link record per child per force (their latest episode's details), and each child's records."""
    records: dict[tuple[str, str], LinkRecord] = {}
    members: dict[tuple[str, str], list[int]] = {}
    for row in NationalRecord.objects.order_by("source", "ref", "reported_at", "pk"):
        key = (row.source, row.ref)
        members.setdefault(key, []).append(row.pk)
        records[key] = LinkRecord(
            source=row.source, ref=row.ref, given_name=row.given_name or None,
            family_name=row.family_name or None, date_of_birth=row.date_of_birth or None, sex=row.sex or None,
            address_line=row.address_line or None, town=row.town or None, postcode=row.postcode or None,
        )  # fmt: skip
    return list(records.values()), members


def _decisions() -> list[LinkDecision]:
    return [
        LinkDecision((p.left_source, p.left_ref), (p.right_source, p.right_ref), p.decision == Decision.SAME)
        for p in ReviewPair.objects.exclude(decision=Decision.UNDECIDED)
    ]


def _save_links(records: list[LinkRecord], person_ids: list[str], members: dict[Any, Any]) -> None:
    wanted = {pk: pid for record, pid in zip(records, person_ids, strict=True) for pk in members[record.key]}
    existing = {link.record_id: link for link in PersonLink.objects.all()}
    changed = [link for pk, link in existing.items() if pk in wanted and link.person_id != wanted[pk]]
    for link_row in changed:
        link_row.person_id = wanted[link_row.record_id]
    PersonLink.objects.bulk_update(changed, ["person_id"], batch_size=1000)
    PersonLink.objects.bulk_create(
        [PersonLink(record_id=pk, person_id=pid) for pk, pid in wanted.items() if pk not in existing],
        batch_size=1000,
    )


def _save_doubtful(doubtful: list[Any]) -> None:
    """The review queue as linkage now sees it: new and still-doubtful pairs with their weight and
    probability; undecided pairs no longer doubtful (now linked, or settled by another decision) leave it."""
    keep: list[int] = []
    for pair in doubtful:
        left, right = sorted((pair.left, pair.right))
        row, _ = ReviewPair.objects.update_or_create(
            left_source=left[0], left_ref=left[1], right_source=right[0], right_ref=right[1],
            defaults={"probability": pair.probability, "weight": pair.weight},
        )  # fmt: skip
        keep.append(row.pk)
    ReviewPair.objects.filter(decision=Decision.UNDECIDED).exclude(pk__in=keep).delete()


def national_relink(*, acting_user: User | None = None) -> int:
    """Link every imported child into people, reusing reviewers' decisions; returns the number of people.

    Doubtful pairs join the review queue; decided pairs keep their decision.
    """
    records, members = _children()
    outcome = link(records, decisions=_decisions()) if records else None
    with transaction.atomic():
        if outcome is not None:
            _save_links(records, outcome.person_ids, members)
            _save_doubtful(outcome.doubtful)
        people = len(set(outcome.person_ids)) if outcome else 0
        access_record(
            user=acting_user, action="combine", record_type="person_link",
            purpose=f"linked {len(records)} children's records into {people} people",
        )  # fmt: skip
    return people


STALE_DECISION = (
    "Someone else recorded a decision on this pair after you opened it ({now}). Check it and decide again."
)


def review_decide(
    *, pair: ReviewPair, decision: str, acting_user: User, decision_seen: str | None = None
) -> ReviewPair:
    """Record a reviewer's Same or Different decision on ``pair``, then re-link so it takes effect.

    Every later linkage run reuses it: "same" joins the two children, "different" keeps them apart.
    ``decision_seen`` is the decision the reviewer's page showed ("" when undecided): if another reviewer
    has recorded a different one since, nothing is saved and a ConflictError says so.
    """
    with transaction.atomic():
        locked = ReviewPair.objects.select_for_update().get(pk=pair.pk)
        if decision_seen is not None and locked.decision != decision_seen:
            raise ConflictError(STALE_DECISION.format(now=locked.get_decision_display()))
        _decision_save(pair=locked, decision=decision, acting_user=acting_user)
        pair.decision, pair.decided_by, pair.decided_at = (
            locked.decision,
            locked.decided_by,
            locked.decided_at,
        )
    national_relink(acting_user=acting_user)
    return pair


def _decision_save(*, pair: ReviewPair, decision: str, acting_user: User) -> None:
    """The decision and its access event; the caller's transaction holds them."""
    pair.decision = decision
    pair.decided_by = acting_user
    pair.decided_at = timezone.now()
    pair.full_clean()
    pair.save(update_fields=["decision", "decided_by", "decided_at"])
    access_record(
        user=acting_user, action="national_review_decide", record_type="review_pair",
        record_ids=[pair.pk], purpose=decision,
    )  # fmt: skip


ALREADY_DECIDED = "This pair has already been decided: {decision}. Change it on the review page."


def review_decide_once(*, pair_id: int, decision: str, acting_user: User) -> tuple[ReviewPair, bool]:
    """The API's decision: ``review_decide`` on an undecided pair; returns (pair, whether it changed).

    Repeating the decision already recorded changes nothing (idempotent, logged); a different decision on
    a decided pair is a ConflictError. The pair is locked, so two reviewers cannot both decide it.
    """
    with transaction.atomic():
        pair = ReviewPair.objects.select_for_update().get(pk=pair_id)
        if pair.decision == decision:
            access_record(
                user=acting_user, action="national_review_decide", record_type="review_pair",
                record_ids=[pair.pk], purpose=f"{decision} (already recorded)",
            )  # fmt: skip
            return pair, False
        if pair.decision != Decision.UNDECIDED:
            raise ConflictError(ALREADY_DECIDED.format(decision=Decision(pair.decision).label.lower()))
        _decision_save(pair=pair, decision=decision, acting_user=acting_user)
    # Re-linked after commit, as review_decide does: a run takes minutes at national scale, and the access
    # event above holds the access log's chain lock until the transaction ends, which would stall every
    # other logged request in the service for the whole run.
    national_relink(acting_user=acting_user)
    return pair, True
