"""Grade a synthetic report with the real risk engine, or a documented stand-in when it cannot.

The real engine (``misper.risk.assess``) grades every child's report. The stand-in is used only
(a) if the engine cannot be imported at all, and (b) for adults, whom the misper/1 engine does not
grade (it requires a child under 18). It is deliberately simple and its policy name says so.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from misper.demo import figures

POLICY_NAME = "national"

try:  # the engine is a separate package; the demo must still seed without it
    from misper.risk import assess as _engine_assess
    from misper.risk import load_policy

    ENGINE: Callable[..., dict[str, Any]] | None = _engine_assess
    _POLICY: Any = load_policy(POLICY_NAME)  # loaded once: thousands of documents are graded
except ImportError:  # pragma: no cover - depends on what is installed
    ENGINE, _POLICY = None, None

RISKS = ("no_apparent_risk", "very_low", "low", "medium", "high")
STAND_IN_POLICY = {"name": "demo-stand-in", "version": "1"}
_SERIOUS = frozenset({"cse_risk", "cce_risk", "trafficking_risk", "self_harm", "suicidal_ideation"})


def assess(doc: dict[str, Any], *, adult: bool, now: datetime | None = None) -> dict[str, Any]:
    """The engine's result for a misper/1 document as at ``now`` (default: when it was reported).

    Uses the stand-in for adults, or when the engine is not installed.
    """
    if ENGINE is not None and not adult:
        return ENGINE(doc, _POLICY, now=now)
    return stand_in(doc)


def stand_in(doc: dict[str, Any]) -> dict[str, Any]:
    """A simple grading: medium by default, high for serious vulnerabilities or a high plan floor.

    Needs a misper/1-shaped document. Promises a result with the engine's keys.
    """
    child, report = doc["child"], doc["report"]
    codes = set(child.get("vulnerabilities", [])) | set(report.get("indicators", []))
    history = doc.get("history", [])
    recent = len(history)
    risk = "medium"
    reasons = []
    if codes & _SERIOUS:
        risk = "high"
        reasons += [
            {"code": c, "text": "A serious vulnerability is on file."} for c in sorted(codes & _SERIOUS)
        ]
    if recent >= figures.REPEAT_THRESHOLD_90_DAYS:
        reasons.append({"code": "repeat_missing", "text": f"Missing {recent} times before."})
    floor = child.get("trigger_plan", {}).get("minimum_risk")
    if floor and RISKS.index(floor) > RISKS.index(risk):
        risk = floor
        reasons.append({"code": "trigger_plan", "text": "The trigger plan sets a minimum grade."})
    if not reasons and "contact_established" in codes:
        risk = "low"
    level = {"high": "high", "medium": "medium"}.get(risk, "low")
    result: dict[str, Any] = {
        "category": "missing",
        "risk": risk,
        "immediacy": level,
        "seriousness": level,
        "reasons": reasons,
        "actions": ["safe_and_well_check", *(["supervisor_review"] if risk == "high" else [])],
        "policy": dict(STAND_IN_POLICY),
    }
    grading = doc.get("operator_grading")
    if grading:
        result["under_graded"] = RISKS.index(grading["risk"]) < RISKS.index(risk)
    return result


def one_step_lower(risk: str) -> str:
    """The grade one step below ``risk`` on the continuum, never below very low."""
    return RISKS[max(1, RISKS.index(risk) - 1)]
