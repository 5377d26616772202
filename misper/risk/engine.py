"""Combine the rules that apply into immediacy, seriousness, a risk grade, reasons and actions.

How a result is reached (docs/risk-rules.md says the same in plain English):
1. Every rule in the table is checked; each that applies gives its evidence and its effect.
2. Immediacy and seriousness are the highest level any risk factor raises them to. Mitigating
   indicators then lower immediacy, but never below what a non-mitigable factor set. Seriousness is
   never lowered: knowing where a child is does not make the harm less grave.
3. The policy's matrix turns seriousness and immediacy into a grade; floors (age, trigger plan,
   rule floors) then lift it. A grade is never below a floor.
4. A policy with ``absent_category`` gives ``absent`` / ``no_apparent_risk`` only when no risk
   factor applies at all; otherwise the child is ``missing`` and graded at least ``very_low``.
"""

import functools
from datetime import datetime
from typing import Any, NamedTuple

from misper.risk.binding import EXPLOITATION_WORDS, binding_floors
from misper.risk.facts import Facts, derive
from misper.risk.policies import load_policy
from misper.risk.policy import Effect, Policy
from misper.risk.rules import POLICY_FLOOR_SOURCE, POLICY_FLOOR_TEXT, RULES, RULES_BY_ID, Rule
from misper.risk.rules.derived import DERIVED_RULES
from misper.risk.suggestions import suggest
from misper.risk.validation import parse
from misper.risk.vocab import (
    ACTION_ORDER,
    ACTIONS,
    LEVEL_RANK,
    LEVELS,
    RESULT_FORMAT,
    RISK_RANK,
    RISKS,
    SERIOUS_NOT_URGENT,
    SERIOUS_NOT_URGENT_TEXT,
)

_FLOOR_KINDS = {
    "young_age": "age",
    "trigger_plan": "trigger_plan",
    **dict.fromkeys(EXPLOITATION_WORDS, "exploitation"),
}


class Fired(NamedTuple):
    rule: Rule
    evidence: str
    effect: Effect


class Grade(NamedTuple):
    category: str
    risk: int
    matrix_risk: int
    immediacy: int
    seriousness: int


RULE_ORDER = {rule.id: index for index, rule in enumerate(RULES)}
_describe = functools.lru_cache(maxsize=512)(Effect.describe)


def _candidates(facts: Facts) -> list[Rule]:
    # A vulnerability or indicator rule can only apply when its code is on the document (ticked, or
    # answered "not known"), so only those are checked (a speed-up; `applies` is still the judge), then
    # every derived rule.
    codes = sorted(
        facts.vulnerabilities | facts.indicators | facts.indicators_not_known, key=RULE_ORDER.__getitem__
    )
    return [*DERIVED_RULES, *(RULES_BY_ID[code] for code in codes)]


def fire(facts: Facts, policy: Policy) -> list[Fired]:
    """Every rule that applies to `facts`, in table order, with its evidence and effect."""
    fired = []
    for rule in _candidates(facts):
        evidence = rule.applies(facts, policy)
        if evidence is not None:
            fired.append(Fired(rule, evidence, rule.effect(facts, policy)))
    return fired


def grade(fired: list[Fired], policy: Policy) -> Grade:
    """Grade from the fired rules; see the module docstring for the steps."""
    factors = [f.effect for f in fired if f.rule.kind != "mitigating"]
    steps = sum(f.effect.lower_immediacy for f in fired if f.rule.kind == "mitigating")
    raised = max((e.immediacy or 0 for e in factors), default=0)
    held = max((e.immediacy or 0 for e in factors if not e.mitigable), default=0)
    immediacy = max(raised - steps, held, 0)
    seriousness = max((e.seriousness or 0 for e in factors), default=0)
    matrix_risk = policy.matrix[seriousness][immediacy]
    if policy.absent_category and not factors:
        return Grade("absent", RISK_RANK["no_apparent_risk"], matrix_risk, immediacy, seriousness)
    floor = max((e.risk_floor or 0 for e in factors), default=0)
    risk = max(matrix_risk, floor, RISK_RANK["very_low"])
    return Grade("missing", risk, matrix_risk, immediacy, seriousness)


def _floors(fired: list[Fired], result: Grade) -> list[dict[str, Any]]:
    floors = []
    for f in fired:
        if f.effect.risk_floor is None or f.rule.kind == "mitigating" or result.category == "absent":
            continue
        floors.append(
            {
                "kind": _FLOOR_KINDS.get(f.rule.id, "rule"),
                "reason": f.rule.code,
                "minimum_risk": RISKS[f.effect.risk_floor],
                "raised_grade": f.effect.risk_floor == result.risk > result.matrix_risk,
            }
        )
    return floors


def _reasons(fired: list[Fired], result: Grade, floors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    reasons = [
        {
            "code": f.rule.code,
            "rule": f.rule.id,
            "text": f.rule.text,
            "effect": _describe(f.effect),
            "evidence": f.evidence,
            "source": f.rule.source,
        }
        for f in fired
    ]
    binding = [floor["reason"] for floor in floors if floor["raised_grade"]]
    if binding:
        evidence = (
            f"seriousness {LEVELS[result.seriousness]} and immediacy {LEVELS[result.immediacy]} give "
            f"{RISKS[result.matrix_risk]}; raised to {RISKS[result.risk]} by: {', '.join(binding)}"
        )
        reasons.append(
            {
                "code": "policy_floor",
                "rule": "policy_floor",
                "text": POLICY_FLOOR_TEXT,
                "effect": {"risk_floor": RISKS[result.risk]},
                "evidence": evidence,
                "source": POLICY_FLOOR_SOURCE,
            }
        )
    return reasons


@functools.cache
def _level_keys(category: str, risk: int, immediacy: int, seriousness: int) -> tuple[str, ...]:
    """The `level_actions` keys a grade reaches: its category and each level up to its own."""
    keys = [f"category:{category}"]
    keys += [f"risk:{name}" for name in RISKS[: risk + 1]]
    keys += [f"immediacy:{level}" for level in LEVELS[: immediacy + 1]]
    keys += [f"seriousness:{level}" for level in LEVELS[: seriousness + 1]]
    if _serious_not_urgent(immediacy, seriousness):
        keys.append(SERIOUS_NOT_URGENT)
    return tuple(keys)


def _serious_not_urgent(immediacy: int, seriousness: int) -> bool:
    return seriousness == LEVEL_RANK["high"] and immediacy == LEVEL_RANK["low"]


def actions_for(fired: list[Fired], result: Grade, policy: Policy) -> dict[str, list[str]]:
    """Each recommended action with what caused it (reason codes or level keys), most urgent first."""
    because: dict[str, dict[str, None]] = {}
    for f in fired:
        for action in f.effect.actions:
            because.setdefault(action, {})[f.rule.code] = None
    for key in _level_keys(result.category, result.risk, result.immediacy, result.seriousness):
        for action in policy.level_actions.get(key, ()):
            because.setdefault(action, {})[key] = None
    return {action: list(because[action]) for action in sorted(because, key=ACTION_ORDER.__getitem__)}


def _history_summary(facts: Facts, policy: Policy) -> dict[str, Any]:
    return {
        "episodes_90d": facts.episodes_90d,
        "episodes_total": facts.episodes_total,
        "episodes_in_repeat_window": facts.episodes_window,
        "repeat_window_days": policy.thresholds.repeat_window_days,
        "harm_disclosed_episodes": len(facts.harm_episodes),
        "found_with_adult_of_concern_episodes": len(facts.found_with_adult_episodes),
        "long_duration_episodes": len(facts.long_episodes),
    }


def _under_graded(doc: dict[str, Any], result: Grade) -> bool | None:
    operator = doc.get("operator_grading")
    if operator is None:
        return None
    said_absent = operator["category"] == "absent" and result.category == "missing"
    return said_absent or RISK_RANK[operator["risk"]] < result.risk


def _as_of(now: datetime | str | None, reported_at: datetime) -> datetime:
    if now is None:
        return reported_at
    when = datetime.fromisoformat(now) if isinstance(now, str) else now
    if when.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return when


def assess(
    doc: dict[str, Any], policy: str | Policy = "national", *, now: datetime | str | None = None
) -> dict[str, Any]:
    """Assess one misper/1 document under `policy` (a name, a path or a Policy) as at `now`.

    `now` (an aware datetime or ISO string) is when "hours missing" is measured to; it defaults to
    the report's `reported_at`, so a result depends on the document alone. Raises InvalidDocument
    for a bad document and PolicyError for a bad policy. Returns a JSON-serialisable dict.
    """
    chosen = policy if isinstance(policy, Policy) else load_policy(policy)
    parsed = parse(doc)
    as_of = _as_of(now, parsed.reported_at)
    facts = derive(parsed, chosen, as_of)
    fired = fire(facts, chosen)
    result = grade(fired, chosen)
    floors = _floors(fired, result)
    actions = actions_for(fired, result, chosen)
    return {
        "format": RESULT_FORMAT,
        "child_ref": facts.child_ref,
        "policy": {"name": chosen.name, "version": chosen.version},
        "as_of": as_of.isoformat(),
        "category": result.category,
        "risk": RISKS[result.risk],
        "immediacy": LEVELS[result.immediacy],
        "seriousness": LEVELS[result.seriousness],
        "matrix_risk": RISKS[result.matrix_risk],
        "reasons": _reasons(fired, result, floors),
        "actions": list(actions),
        "action_details": [{"code": a, "text": ACTIONS[a], "because": why} for a, why in actions.items()],
        "suggestions": suggest(facts),
        "floors": floors,
        "serious_not_urgent": _serious_not_urgent(result.immediacy, result.seriousness),
        "seriousness_note": (
            SERIOUS_NOT_URGENT_TEXT if _serious_not_urgent(result.immediacy, result.seriousness) else ""
        ),
        "binding_floors": binding_floors(floors, absent_category=chosen.absent_category, age=facts.age_years),
        "under_graded": _under_graded(doc, result),
        "repeat": any(f.rule.id == "repeat_missing" for f in fired),
        "age_years": facts.age_years,
        "hours_missing": round(facts.hours_missing, 1),
        "history_summary": _history_summary(facts, chosen),
    }
