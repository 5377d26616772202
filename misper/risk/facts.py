"""Facts derived from a validated document: what the rules look at.

Deriving them once keeps every rule a one-line check and keeps date arithmetic in one place.
"""

from datetime import datetime, timedelta
from typing import Any, NamedTuple

from misper.risk.policy import Policy
from misper.risk.validation import ParsedDocument, age_in_years
from misper.risk.vocab import CARE_PLACEMENTS, NOT_KNOWN


class Facts(NamedTuple):
    child_ref: str
    age_years: int
    looked_after: bool
    placement_type: str | None
    out_of_area: str | None  # why the placement is out of area, or None
    vulnerabilities: frozenset[str]
    indicators: frozenset[str]
    trigger_plan: dict[str, Any] | None
    hours_missing: float
    episodes_window: int  # earlier episodes inside the policy's repeat window
    episodes_90d: int  # earlier episodes in the 90 days before the report, whatever the policy
    episodes_total: int  # earlier episodes in all
    harm_episodes: tuple[str, ...]  # "history[2] (2015-03-01)"
    found_with_adult_episodes: tuple[str, ...]
    long_episodes: tuple[str, ...]
    associates_of_concern: tuple[str, ...]  # one sentence per associate
    circumstances: str
    # Risk questions answered "not known" (report.answers): each rule decides what not knowing means.
    indicators_not_known: frozenset[str] = frozenset()


def _episode_label(index: int, when: datetime) -> str:
    return f"history[{index}] ({when.date().isoformat()})"


def _out_of_area(placement: dict[str, Any]) -> str | None:
    if placement.get("out_of_area"):
        return "child.placement.out_of_area is true"
    placing, host = placement.get("placing_authority"), placement.get("host_authority")
    if placing and host and placing.strip().casefold() != host.strip().casefold():
        return f"placed by {placing} in {host}"
    return None


def _associate_concern(
    index: int, associate: dict[str, Any], age: int, looked_after: bool, policy: Policy
) -> str | None:
    """Why associate `index` is of concern, or None. See docs/risk-rules.md, associate_of_concern."""
    return associate_concern(associate, f"associates[{index}]", age, looked_after, policy)


def associate_concern(
    associate: dict[str, Any], label: str, age: int | None, looked_after: bool, policy: Policy
) -> str | None:
    """Why one misper/1 ``associate`` (called ``label`` in the sentence) counts for the engine as of concern
    to a child aged ``age``, or None: the engine's own rule, for pages that show what the engine used. With
    the child's age unknown only the rules that do not need it apply."""
    limits = policy.thresholds
    if associate.get("flags"):
        return f"{label} is flagged {', '.join(associate['flags'])}"
    if associate.get("of_concern"):
        concern = str(associate.get("concern") or "of concern").replace("_", " ")
        return f"{label} is recorded by police as of concern ({concern})"
    if associate.get("cawn_issued"):
        return f"{label} has been served a child abduction warning notice"
    their_age = associate.get("age")
    relationship = associate.get("relationship", "unknown")
    if their_age is None or age is None or relationship == "family":
        return None
    if relationship in ("boyfriend", "partner") and their_age - age >= limits.much_older_gap_years:
        return f"{label} is a {relationship} aged {their_age}, {their_age - age} years older than the child"
    if their_age >= limits.adult_age and (age < limits.cawn_child_age or looked_after):
        return f"{label} is an adult ({relationship}, aged {their_age}) associating with a child aged {age}"
    return None


def _history(parsed: ParsedDocument, policy: Policy) -> dict[str, Any]:
    window_start = parsed.reported_at - timedelta(days=policy.thresholds.repeat_window_days)
    start_90d = parsed.reported_at - timedelta(days=90)
    long_hours = policy.thresholds.history_long_duration_hours
    in_window = in_90d = 0
    harm, found_with, long_ = [], [], []
    for index, (episode, when) in enumerate(
        zip(parsed.doc.get("history", ()), parsed.history_reported_at, strict=True)
    ):
        in_window += when > window_start
        in_90d += when > start_90d
        if episode.get("harm_disclosed"):
            harm.append(_episode_label(index, when))
        if episode.get("found_with_adult_of_concern"):
            found_with.append(_episode_label(index, when))
        if episode.get("duration_hours", 0) >= long_hours:
            long_.append(f"{_episode_label(index, when)} lasted {episode['duration_hours']:g} hours")
    return {
        "episodes_window": in_window,
        "episodes_90d": in_90d,
        "episodes_total": len(parsed.history_reported_at),
        "harm_episodes": tuple(harm),
        "found_with_adult_episodes": tuple(found_with),
        "long_episodes": tuple(long_),
    }


def report_answers(report: dict[str, Any]) -> tuple[frozenset[str], frozenset[str]]:
    """The risk questions a misper/1 ``report`` answers yes (``indicators`` and ``answers``) and those it
    answers not known. Any other question is no, as in every report made before ``answers`` existed."""
    answers = report.get("answers", {})
    yes = frozenset(report.get("indicators", ())) | {code for code, a in answers.items() if a == "yes"}
    return yes, frozenset(code for code, a in answers.items() if a == NOT_KNOWN)


def derive(parsed: ParsedDocument, policy: Policy, now: datetime) -> Facts:
    """Derive the facts of `parsed` as at `now` (an aware datetime) under `policy`'s thresholds."""
    doc = parsed.doc
    child, report = doc["child"], doc["report"]
    age = age_in_years(parsed.date_of_birth, parsed.reported_at.date())
    placement = child.get("placement", {})
    placement_type = placement.get("type")
    looked_after = bool(child.get("looked_after")) or placement_type in CARE_PLACEMENTS
    since = parsed.last_seen_at or parsed.reported_at
    yes, not_known = report_answers(report)
    concerns = (
        _associate_concern(index, associate, age, looked_after, policy)
        for index, associate in enumerate(doc.get("associates", ()))
    )
    return Facts(
        child_ref=child["ref"],
        age_years=age,
        looked_after=looked_after,
        placement_type=placement_type,
        out_of_area=_out_of_area(placement),
        vulnerabilities=frozenset(child.get("vulnerabilities", ())),
        indicators=yes,
        indicators_not_known=not_known,
        trigger_plan=child.get("trigger_plan"),
        hours_missing=max(0.0, (now - since).total_seconds() / 3600),
        associates_of_concern=tuple(concern for concern in concerns if concern),
        circumstances=report.get("circumstances", ""),
        **_history(parsed, policy),
    )
