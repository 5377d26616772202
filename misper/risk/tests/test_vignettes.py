"""Vignettes: the public cases from the inspection report, and our own, under both built-in policies.

Format (vignettes/*.json): ``{"id", "source", "input", "expect", "expect_by_policy"?}``. `expect`
keys, all optional: risk_min, risk_max, category, under_graded, serious_not_urgent, reasons_any (each inner list needs
one of its codes among the reasons), actions_all; our own files add actions_none, reasons_none,
immediacy, seriousness, floors_raised (reason codes of floors that lifted the grade) and
suggestions_all. ``expect_by_policy[NAME]`` overrides keys of `expect` for that policy.
"""

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from misper.risk import RISKS, assess

VIGNETTES = Path(__file__).parent / "vignettes"
POLICIES = ("national", "absent-permitted")
RANK = {risk: rank for rank, risk in enumerate(RISKS)}


def _load(name: str) -> list[dict[str, Any]]:
    vignettes: list[dict[str, Any]] = json.loads((VIGNETTES / name).read_text("utf-8"))
    return vignettes


PUBLIC = _load("public.json")
OWN = _load("own.json")


def _expectation(vignette: dict[str, Any], policy: str) -> dict[str, Any]:
    return {**vignette["expect"], **vignette.get("expect_by_policy", {}).get(policy, {})}


def check(result: dict[str, Any], expect: dict[str, Any]) -> list[str]:
    """Every way `result` falls short of `expect`, in words (empty when it meets it)."""
    problems = []
    reasons = {reason["code"] for reason in result["reasons"]}
    actions = set(result["actions"])
    if "risk_min" in expect and RANK[result["risk"]] < RANK[expect["risk_min"]]:
        problems.append(f"risk {result['risk']} below {expect['risk_min']}")
    if "risk_max" in expect and RANK[result["risk"]] > RANK[expect["risk_max"]]:
        problems.append(f"risk {result['risk']} above {expect['risk_max']}")
    for key in ("category", "under_graded", "immediacy", "seriousness", "serious_not_urgent"):
        if key in expect and result[key] != expect[key]:
            problems.append(f"{key} {result[key]!r}, expected {expect[key]!r}")
    problems += [
        f"no reason among {codes}" for codes in expect.get("reasons_any", []) if not reasons & set(codes)
    ]
    problems += [f"reason {code} present" for code in expect.get("reasons_none", []) if code in reasons]
    problems += [f"action {a} missing" for a in expect.get("actions_all", []) if a not in actions]
    problems += [f"action {a} present" for a in expect.get("actions_none", []) if a in actions]
    raised = {floor["reason"] for floor in result["floors"] if floor["raised_grade"]}
    problems += [
        f"floor {code} did not raise the grade"
        for code in expect.get("floors_raised", [])
        if code not in raised
    ]
    suggested = {suggestion["code"] for suggestion in result["suggestions"]}
    problems += [
        f"no suggestion {code}" for code in expect.get("suggestions_all", []) if code not in suggested
    ]
    return problems


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("vignette", PUBLIC + OWN, ids=lambda v: v["id"])
def test_vignette(vignette: dict[str, Any], policy: str) -> None:
    result = assess(vignette["input"], policy)
    assert check(result, _expectation(vignette, policy)) == [], vignette["source"]


def test_public_vignettes_are_the_shared_ones() -> None:
    shared = Path(__file__).parents[3].parent / "shared" / "vignettes" / "public.json"
    if shared.exists():  # outside this checkout's parent (e.g. an installed copy) there is nothing to compare
        assert json.loads(shared.read_text("utf-8")) == PUBLIC


def test_check_reports_a_shortfall() -> None:
    # The checker itself must be able to fail, or every vignette would pass vacuously.
    result = assess(PUBLIC[3]["input"])  # P4, the low control
    assert check(
        result, {"risk_min": "high", "actions_all": ["notify_ukmpu"], "reasons_any": [["cse_risk"]]}
    ) == [
        f"risk {result['risk']} below high",
        "no reason among ['cse_risk']",
        "action notify_ukmpu missing",
    ]


def test_vignettes_span_the_whole_continuum() -> None:
    # The engine must discriminate: grading everything high is as wrong as grading everything low.
    national = Counter(assess(v["input"], "national")["risk"] for v in PUBLIC + OWN)
    assert set(national) == {"very_low", "low", "medium", "high"}
    assert national["high"] < len(PUBLIC + OWN) * 0.6
    absent = Counter(assess(v["input"], "absent-permitted")["category"] for v in PUBLIC + OWN)
    assert absent["absent"] >= 3
    assert absent["missing"] > absent["absent"]


def test_own_vignettes_include_controls() -> None:
    controls = [v for v in OWN if v["expect"].get("risk_max") in ("very_low", "low")]
    assert len(controls) >= 10
