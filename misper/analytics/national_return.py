"""The national return: one force's children's episodes in a month, as JSON Lines for the national body.

One line per episode reported in the month about a child (under 18 when reported, or age not known):
the child's identity as the force holds it (reference, names, date of birth, sex, home address) so the
national body can link the child across forces through typing errors (``misper national import``), the
episode (reference, times, status, risk), and the misper/1 document's other facts with quasi-identifiers
coarsened and free text dropped. Return version 2; every line is validated against
``schema/national-return-2.schema.json``. Why identifiable and not keyed hashes or Bloom-filter
encodings, and the legal basis: docs/linkage.md, "What the national side receives". Writing the file is
a logged disclosure (``access_record`` action ``disclose``) in the same transaction as the reads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from misper.accounts.models import Agency, AgencyKind
from misper.analytics.figures.base import annotate_age
from misper.audit.services import access_record
from misper.core.errors import FieldError, InvalidInput
from misper.episodes.documents import episode_document
from misper.episodes.models import Episode

RETURN_VERSION = "2"
SCHEMA_PATH = Path(__file__).parent / "schema" / "national-return-2.schema.json"
LOG_CHUNK = 1000  # access_record keeps at most 1000 ids per event
BAD_PERIOD = "Enter the period as YYYY-MM, for example 2026-03"
NAME_FORCE = "Name the force with --force (more than one police force has episodes in the period)"
UNKNOWN_FORCE = "There is no police force with this code"
AGE_BANDS = ((0, 11, "0-11"), (12, 13, "12-13"), (14, 15, "14-15"), (16, 17, "16-17"))
_OUTWARD = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*[0-9][A-Z]{2}$")


@dataclass(frozen=True)
class Period:
    month: str
    start: datetime
    end: datetime


def period_parse(text: str) -> Period:
    """``YYYY-MM`` → the month's start and end (exclusive) in Europe/London; InvalidInput otherwise."""
    try:
        first = datetime.strptime(text or "", "%Y-%m").date()
    except ValueError:
        raise InvalidInput(FieldError("period", BAD_PERIOD)) from None
    if not re.fullmatch(r"\d{4}-\d{2}", text):
        raise InvalidInput(FieldError("period", BAD_PERIOD))
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    return Period(text, start, timezone.make_aware(datetime.combine(following, datetime.min.time())))


def postcode_district(postcode: str) -> str | None:
    """The outward code of a full UK postcode ("DM1 2AB" → "DM1"); None if it is not one."""
    m = _OUTWARD.match(postcode.strip().upper())
    return m.group(1) if m else None


def age_band(age: int | None) -> str:
    return next(
        (label for low, high, label in AGE_BANDS if age is not None and low <= age <= high), "unknown"
    )


def _hour(iso: str | None) -> str | None:
    """An ISO date-time cut to the hour, in UTC."""
    if not iso:
        return None
    dt = datetime.fromisoformat(iso).astimezone(UTC)
    return dt.replace(minute=0, second=0, microsecond=0).isoformat()


def _child(section: dict[str, Any], episode: Episode) -> dict[str, Any]:
    child = episode.child
    out: dict[str, Any] = {
        "ref": section["ref"],
        "given_name": child.given_name,
        "family_name": child.family_name,
        "date_of_birth": child.date_of_birth.isoformat() if child.date_of_birth else None,
        "age_band": age_band(getattr(episode, "age", None)),
        "sex": section.get("sex", "unknown"),
        "ethnic_group": (child.ethnicity or "NS")[0] if child.ethnicity != "NS" else "NS",
        "looked_after": section.get("looked_after", False),
        "placement": section.get("placement", {}),
        "vulnerabilities": section.get("vulnerabilities", []),
    }
    plan = section.get("trigger_plan")
    if plan:
        out["trigger_plan"] = {
            "minimum_risk": plan["minimum_risk"],
            "actions_count": len(plan.get("actions", [])),
        }
    return out


def _address(episode: Episode) -> dict[str, str]:
    """The child's home address (else the placement's): linkage compares it as one piece of evidence."""
    place = episode.child.home_address or episode.child.placement_address
    if place is None:
        return {}
    return {"line": place.address_line, "town": place.town, "postcode": place.postcode}


def _episode(episode: Episode) -> dict[str, Any]:
    """The episode as the national view lists it: exact times, so "missing now" is exact."""
    return {
        "ref": episode.reference,
        "reported_at": episode.reported_at.astimezone(UTC).isoformat(),
        "found_at": episode.found_at.astimezone(UTC).isoformat() if episode.found_at else None,
        "status": episode.status,
        "risk": episode.risk,
        "category": episode.category,
    }


def _history(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    keep = ("category", "risk", "duration_hours", "harm_disclosed", "found_with_adult_of_concern")
    return [{"reported_at": _hour(h["reported_at"]), **{k: h[k] for k in keep if k in h}} for h in items]


def _district(location: Any) -> str | None:
    return postcode_district(location.postcode) if location is not None and location.postcode else None


def outcome(episode: Episode) -> dict[str, Any]:
    """What happened: dates to the hour, duration, where and with whom found (as types), harm, risk."""
    since = episode.last_seen_at or episode.reported_at
    found = episode.found_at
    ri = getattr(episode, "return_interview", None) if hasattr(episode, "return_interview") else None
    return {
        "category": episode.category,
        "risk": episode.risk,
        "status": episode.status,
        "missing_from_care": episode.missing_from_care,
        "missing_from_district": _district(episode.missing_from),
        "found_at": _hour(found.isoformat()) if found else None,
        "duration_hours": round((found - since).total_seconds() / 3600, 1) if found else None,
        "where_found_type": episode.found_location.kind if episode.found_location else None,
        "found_district": _district(episode.found_location),
        "found_with_type": (
            "adult_on_record"
            if episode.found_with_associate_id
            else ("someone_named" if episode.found_with else "none")
        ),
        "return_method": episode.return_method or None,
        "harm_disclosed": episode.harm_disclosed,
        "offences_identified": bool(episode.offences_identified),
        "return_interview": ri.status if ri else None,
    }


def episode_line(episode: Episode, source: str, month: str) -> dict[str, Any]:
    """One line of the return: the child's identity, the episode, and the misper/1 document's other
    facts coarsened, with the outcome."""
    doc = episode_document(episode)
    report = doc["report"]
    line = {
        "format": doc["format"],
        "return_version": RETURN_VERSION,
        "source": source,
        "period": month,
        "episode": _episode(episode),
        "child": _child(doc["child"], episode),
        "report": {
            "reported_at": _hour(report["reported_at"]),
            "last_seen_at": _hour(report.get("last_seen_at")),
            "reported_by": report.get("reported_by"),
            "indicators": report.get("indicators", []),
        },
        "history": _history(doc.get("history", [])),
        "associates": [
            {k: a[k] for k in ("relationship", "flags", "cawn_issued", "age") if k in a}
            for a in doc.get("associates", [])
        ],
        "outcome": outcome(episode),
    }
    address = _address(episode)
    if address:
        line["address"] = address
    return line


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(
        json.loads(SCHEMA_PATH.read_text()), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def validate_line(line: dict[str, Any]) -> list[str]:
    """Problems with one line against national-return-2 (empty when valid)."""
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
        for e in _validator().iter_errors(line)
    ]


def _force(code: str | None, period: Period) -> Agency:
    forces = Agency.objects.filter(kind=AgencyKind.POLICE_FORCE)
    if code:
        force = forces.filter(code=code).first()
        if force is None:
            raise InvalidInput(FieldError("force", UNKNOWN_FORCE))
        return force
    with_episodes = forces.filter(
        episodes__reported_at__gte=period.start, episodes__reported_at__lt=period.end
    )
    found = list(with_episodes.distinct()[:2])
    if len(found) != 1:
        raise InvalidInput(FieldError("force", NAME_FORCE))
    return found[0]


def _episodes(force: Agency, period: Period) -> Iterator[Episode]:
    qs = (
        annotate_age(
            Episode.objects.filter(force=force, reported_at__gte=period.start, reported_at__lt=period.end)
        )
        .exclude(age_group="adult")
        .select_related(
            "child",
            "child__home_address",
            "child__placement_address",
            "missing_from",
            "found_location",
            "return_interview",
        )
        .order_by("reported_at", "pk")
    )
    return qs.iterator(chunk_size=500)


@dataclass(frozen=True)
class ReturnWritten:
    force: str
    period: str
    lines: int


def national_return_write(
    *, period: str, out: IO[str], force_code: str | None = None, actor: Any = None
) -> ReturnWritten:
    """Write the return for ``period`` (YYYY-MM) to ``out`` and log the disclosure of every episode in it,
    all in one transaction: if a line fails validation or the log cannot be written, InvalidInput or the
    error propagates and the disclosure is not logged (the caller must discard what was written)."""
    p = period_parse(period)
    with transaction.atomic():
        force = _force(force_code, p)
        ids: list[int] = []
        for episode in _episodes(force, p):
            line = episode_line(episode, force.code, p.month)
            problems = validate_line(line)
            if problems:
                raise InvalidInput(FieldError(f"episode {episode.pk}", "; ".join(problems)))
            out.write(json.dumps(line, sort_keys=True, ensure_ascii=False) + "\n")
            ids.append(episode.pk)
        for i in range(0, max(len(ids), 1), LOG_CHUNK):
            access_record(
                user=actor,
                action="disclose",
                record_type="episode",
                record_ids=ids[i : i + LOG_CHUNK],
                purpose=f"National return {p.month} for {force.code} (identifiable, policing purpose)",
            )
    return ReturnWritten(force=force.code, period=p.month, lines=len(ids))
