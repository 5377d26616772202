"""The engine's reasons in words an officer uses: sentences with dates, never field paths or codes.

The engine (``misper.risk``) keeps its evidence exact for the audit ("history[4] (2026-03-28) lasted
181.88 hours"); pages show ``reason_lines`` instead, built from the same assessment's reasons and the
document it read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from misper.web.templatetags.misper_tags import hours, label

HISTORY_REF = re.compile(r"history\[(\d+)\] \((\d{4}-\d{2}-\d{2})\)(?: lasted ([\d.]+) hours)?")
REPEAT = re.compile(r"this is episode (\d+) in (\d+) days")
FIELD_PATH = re.compile(r"\b(child|report)\.[a-z_]+\.[a-z_]+ is ")
POLICY_NAMES = {"national": "the national risk policy"}
NOT_KNOWN_WORDS = "Not known yet: counted as if the answer were yes until someone finds out."


@dataclass(frozen=True)
class ReasonLine:
    title: str
    text: str
    detail: str


def day_words(day: date) -> str:
    """A date as people write it: ``3 March 2026``."""
    return f"{day.day} {day:%B %Y}"


def _history_dates(inputs: dict[str, Any]) -> list[date]:
    out = []
    for item in inputs.get("history") or []:
        try:
            out.append(datetime.fromisoformat(str(item["reported_at"]).replace("Z", "+00:00")).date())
        except (KeyError, TypeError, ValueError):
            continue
    return sorted(out)


def _repeat_words(match: re.Match[str], inputs: dict[str, Any]) -> str:
    count, days = int(match.group(1)), int(match.group(2))
    reported = str((inputs.get("report") or {}).get("reported_at", ""))[:10]
    try:
        now = date.fromisoformat(reported)
    except ValueError:
        return f"Missing {count} times in the last {days} days."
    earlier = [d for d in _history_dates(inputs) if now - timedelta(days=days) <= d < now]
    last = f", most recently on {day_words(earlier[-1])}" if earlier else ""
    return f"Missing {count} times in the last {days} days, counting this time{last}."


def _history_words(evidence: str) -> str:
    parts = []
    for m in HISTORY_REF.finditer(evidence):
        when = day_words(date.fromisoformat(m.group(2)))
        parts.append(f"{when}, missing for {hours(float(m.group(3)))}" if m.group(3) else when)
    return "; ".join(parts) + "." if parts else ""


def evidence_words(evidence: str | None, inputs: dict[str, Any]) -> str:
    """One reason's evidence as a sentence, or "" when the reason's own sentence already says it."""
    if evidence and "is not_known" in evidence:  # the engine reads an unanswered risk factor as yes
        return NOT_KNOWN_WORDS
    if not evidence or " includes " in evidence or FIELD_PATH.search(evidence.split(";")[0]):
        return ""  # a field path only restates the reason's own sentence
    repeat = REPEAT.match(evidence)
    if repeat:
        return _repeat_words(repeat, inputs)
    if "history[" in evidence:
        return _history_words(evidence)
    text = evidence.replace("child.trigger_plan is in place", "A trigger plan is in place")
    text = text.replace("_", " ")
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def visible_reasons(user: Any, assessment: Any) -> list[dict[str, Any]]:
    """The reasons behind ``assessment`` that ``user`` may see: every surface showing an assessment's
    reasons (pages, API responses) reads them here, through ``partners.projections.reasons_for``, so the
    host force and partners never see a reason built on the owning force's intelligence or flags."""
    from misper.partners.projections import reasons_for
    from misper.people.flags import police_only_codes

    child = assessment.episode.child
    reasons = (assessment.result or {}).get("reasons", [])
    return reasons_for(user, reasons, child, police_only_codes(child.pk))


def reason_lines(assessment: Any, user: Any) -> list[ReasonLine]:
    """Each reason behind ``assessment``'s recommendation that ``user`` may see, as a heading, its
    sentence and its evidence."""
    inputs = assessment.inputs or {}
    return [
        ReasonLine(label(r.get("code", "")), r.get("text", ""), evidence_words(r.get("evidence"), inputs))
        for r in visible_reasons(user, assessment)
    ]


def policy_words(assessment: Any) -> str:
    """Which policy graded it, as a person would say it."""
    name = POLICY_NAMES.get(assessment.policy_name, f"the {assessment.policy_name.replace('-', ' ')} policy")
    return f"Assessed under {name} (version {assessment.policy_version})."
