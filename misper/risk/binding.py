"""Floors that bind people too (issue 16): which of the engine's floors an officer's grading may not go
below without a duty inspector's named override, and whether a grading goes below one.

Four floors bind: a current trigger plan's minimum, the age floors, an exploitation risk on the child's
record (each an engine floor, listed in the result's ``floors``), and, under a policy without the absent
category, "a child reported missing is never graded absent". Other rule floors (family conflict means at
least low) guide the engine's own grade only. Pure: no Django.
"""

from typing import Any

from misper.risk.vocab import RISK_RANK

BINDING_KINDS = ("trigger_plan", "age", "exploitation")
EXPLOITATION_WORDS = {
    "cse_risk": "sexual exploitation",
    "cce_risk": "criminal exploitation",
    "trafficking_risk": "trafficking",
    "online_grooming_risk": "grooming online",
}
NO_ABSENT_TEXT = "the national policy: a child reported missing is never graded absent"


def _words(risk: str) -> str:
    return risk.replace("_", " ")


def _text(floor: dict[str, Any], age: int | None) -> str:
    risk = _words(floor["minimum_risk"])
    if floor["kind"] == "trigger_plan":
        return f"the child's trigger plan, which says to treat them as at least {risk} risk"
    if floor["kind"] == "age":
        return f"the child's age ({age}): a child that young is never graded below {risk} risk"
    what = EXPLOITATION_WORDS.get(floor["reason"], "exploitation")
    return f"the child's risk of {what}: never graded below {risk} risk"


def binding_floors(
    floors: list[dict[str, Any]], *, absent_category: bool, age: int | None
) -> list[dict[str, Any]]:
    """The floors a person's grading may not go below, each with the words that name it."""
    out = [
        {"kind": f["kind"], "reason": f["reason"], "minimum_risk": f["minimum_risk"], "text": _text(f, age)}
        for f in floors
        if f["kind"] in BINDING_KINDS
    ]
    if not absent_category:
        out.append(
            {
                "kind": "national_policy",
                "reason": "no_absent",
                "minimum_risk": "very_low",
                "text": NO_ABSENT_TEXT,
            }
        )
    return out


def floors_broken(result: dict[str, Any], category: str, risk: str) -> list[dict[str, Any]]:
    """The binding floors of an engine ``result`` that a grading of ``category`` and ``risk`` goes below."""
    broken = []
    for floor in result.get("binding_floors", []):
        if floor["kind"] == "national_policy":
            if category == "absent":
                broken.append(floor)
        elif category == "absent" or RISK_RANK[risk] < RISK_RANK[floor["minimum_risk"]]:
            broken.append(floor)
    return broken
