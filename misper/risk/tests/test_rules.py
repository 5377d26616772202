"""The rule table, one row at a time: each rule fires on its evidence and stays silent without it."""

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from misper.risk import INDICATORS, MITIGATING_INDICATORS, VULNERABILITIES, assess, load_policy
from misper.risk.binding import floors_broken
from misper.risk.facts import derive
from misper.risk.reference import rule_table
from misper.risk.rules import RULES, RULES_BY_ID
from misper.risk.tests.factories import REPORTED_AT, base_doc, dob_for_age, episode, episodes, iso, with_
from misper.risk.validation import parse
from misper.risk.vocab import ACTIONS, ENGINE_REASONS, REASONS

Doc = dict[str, Any]
DOCS = Path(__file__).parents[3] / "docs" / "risk-rules.md"


def evidence(rule_id: str, doc: Doc, policy: str = "national") -> str | None:
    chosen = load_policy(policy)
    parsed = parse(doc)
    return RULES_BY_ID[rule_id].applies(derive(parsed, chosen, parsed.reported_at), chosen)


def _associate(**fields: Any) -> Callable[[Doc], Doc]:
    return lambda doc: with_(doc, "associates", [fields])


# rule id -> (a document on which it fires, a nearby document on which it must not, words in evidence)
DERIVED_CASES: dict[str, tuple[Doc, Doc, str]] = {
    "young_age": (
        base_doc(date_of_birth=dob_for_age(12)),
        base_doc(date_of_birth=dob_for_age(13)),
        "under 13",
    ),
    "repeat_missing": (
        with_(base_doc(), "history", [episode(10), episode(80)]),
        with_(base_doc(), "history", [episode(10), episode(91)]),
        "episode 3 in 90 days",
    ),
    "trigger_plan": (base_doc(trigger_plan={"minimum_risk": "high"}), base_doc(), "minimum risk high"),
    "previous_harm": (
        with_(base_doc(), "history", [episode(300, harm_disclosed=True)]),
        with_(base_doc(), "history", [episode(300, harm_disclosed=False)]),
        "history[0]",
    ),
    "found_with_adult_of_concern": (
        with_(base_doc(), "history", [episode(5), episode(300, found_with_adult_of_concern=True)]),
        with_(base_doc(), "history", [episode(5), episode(300)]),
        "history[1]",
    ),
    "associate_of_concern": (
        _associate(relationship="friend", age=15, flags=["drug_supplier"])(base_doc()),
        _associate(relationship="friend", age=15, flags=[])(base_doc()),
        "drug_supplier",
    ),
    "missing_from_care": (
        base_doc(placement={"type": "foster"}),
        base_doc(placement={"type": "kinship"}),
        "foster",
    ),
    "out_of_area_placement": (
        base_doc(
            looked_after=True,
            placement={"type": "foster", "placing_authority": "Kent", "host_authority": "Leeds"},
        ),
        base_doc(
            looked_after=True,
            placement={"type": "foster", "placing_authority": "Kent", "host_authority": "kent"},
        ),
        "Kent in Leeds",
    ),
    "long_duration": (
        with_(base_doc(), "history", [episode(200, duration_hours=24.0)]),
        with_(base_doc(), "history", [episode(200, duration_hours=23.5)]),
        "24 hours",
    ),
    "long_duration_now": (
        with_(base_doc(), "report.last_seen_at", iso(REPORTED_AT - timedelta(hours=73))),
        with_(base_doc(), "report.last_seen_at", iso(REPORTED_AT - timedelta(hours=72))),
        "73 hours",
    ),
}

# Associates: (fields, concern?) -- the reasons an associate is or is not of concern.
ASSOCIATE_CASES = [
    ({"relationship": "associate", "age": 18}, True),  # adult with a child under 16
    ({"relationship": "associate", "age": 17}, False),
    ({"relationship": "family", "age": 45}, False),
    ({"relationship": "family", "age": 45, "flags": ["violent_offender"]}, True),
    ({"relationship": "boyfriend", "age": 20}, True),  # 5 years older than a 15-year-old
    ({"relationship": "boyfriend", "age": 19}, True),  # an adult with a child under 16
    ({"relationship": "friend", "cawn_issued": True}, True),
    ({"relationship": "unknown"}, False),
    ({"relationship": "unknown", "of_concern": True, "concern": "suspected_exploiter"}, True),
    ({"relationship": "friend", "of_concern": True}, True),  # police judged them of concern
    ({"relationship": "friend", "of_concern": False, "concern": "other"}, False),
]


@pytest.mark.parametrize("rule_id", list(DERIVED_CASES))
def test_derived_rule_fires_on_its_evidence_only(rule_id: str) -> None:
    fires_on, silent_on, words = DERIVED_CASES[rule_id]
    found = evidence(rule_id, fires_on)
    assert found is not None
    assert words in found
    assert evidence(rule_id, silent_on) is None


def test_every_derived_rule_has_a_case() -> None:
    derived = {rule.id for rule in RULES if rule.kind not in ("vulnerability", "indicator", "mitigating")}
    assert derived == set(DERIVED_CASES)


@pytest.mark.parametrize("code", VULNERABILITIES)
def test_vulnerability_rule_fires_when_ticked(code: str) -> None:
    assert evidence(code, base_doc(vulnerabilities=[code])) == f"child.vulnerabilities includes {code}"
    assert evidence(code, base_doc(vulnerabilities=[c for c in VULNERABILITIES if c != code])) is None
    assert code in {reason["code"] for reason in assess(base_doc(vulnerabilities=[code]))["reasons"]}


@pytest.mark.parametrize("code", INDICATORS)
def test_indicator_rule_fires_when_ticked(code: str) -> None:
    assert (
        evidence(code, with_(base_doc(), "report.indicators", [code])) == f"report.indicators includes {code}"
    )
    others = [c for c in INDICATORS if c != code]
    assert evidence(code, with_(base_doc(), "report.indicators", others)) is None


@pytest.mark.parametrize("code", INDICATORS)
def test_a_not_known_answer_counts_as_its_rule_says(code: str) -> None:
    """Not known is never read as no for a risk factor: it counts as yes until known. A mitigating question
    counts only when yes: reassurance is never assumed (docs/risk-rules.md, "Not known")."""
    doc = with_(base_doc(), "report.answers", {code: "not_known"})
    found = evidence(code, doc)
    if code in MITIGATING_INDICATORS:
        assert (RULES_BY_ID[code].not_known_as, found) == ("no", None)
    else:
        assert RULES_BY_ID[code].not_known_as == "yes"
        assert found == f"report.answers.{code} is not_known, read as yes until it is known"
    assert evidence(code, with_(base_doc(), "report.answers", {code: "no"})) is None
    yes = with_(base_doc(), "report.answers", {code: "yes"})
    assert evidence(code, yes) == f"report.indicators includes {code}"


def test_a_not_known_risk_factor_grades_as_if_yes_and_a_not_known_mitigation_lowers_nothing() -> None:
    not_known = assess(with_(base_doc(), "report.answers", {"suicidal_ideation": "not_known"}))
    said_yes = assess(with_(base_doc(), "report.indicators", ["suicidal_ideation"]))
    said_no = assess(with_(base_doc(), "report.answers", {"suicidal_ideation": "no"}))
    assert (not_known["risk"], said_yes["risk"], said_no["risk"]) == ("high", "high", "very_low")
    urgent = with_(base_doc(), "report.indicators", ["danger_to_public"])
    unsure = with_(urgent, "report.answers", {"whereabouts_believed_known": "not_known"})
    assert assess(unsure)["immediacy"] == assess(urgent)["immediacy"] == "high"
    assert not any(r["code"] == "whereabouts_believed_known" for r in assess(unsure)["reasons"])


@pytest.mark.parametrize(("fields", "concern"), ASSOCIATE_CASES)
def test_associate_of_concern(fields: dict[str, Any], concern: bool) -> None:
    doc = with_(base_doc(date_of_birth=dob_for_age(15)), "associates", [fields])
    assert (evidence("associate_of_concern", doc) is not None) is concern


def test_adult_with_a_looked_after_16_year_old_is_of_concern() -> None:
    doc = with_(
        base_doc(date_of_birth=dob_for_age(16)), "associates", [{"relationship": "friend", "age": 18}]
    )
    assert evidence("associate_of_concern", doc) is None
    assert evidence("associate_of_concern", with_(doc, "child.looked_after", True)) is not None


def test_repeat_window_counts_this_report() -> None:
    two_earlier = with_(base_doc(), "history", episodes(2, every_days=10))
    assert assess(two_earlier)["repeat"] is True
    assert assess(with_(base_doc(), "history", episodes(1, every_days=10)))["repeat"] is False


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_rule_is_documented_for_reviewers(rule: Any) -> None:
    assert rule.text.endswith(".")
    assert rule.source
    assert rule.code in REASONS


def test_docs_show_the_current_rule_table() -> None:
    # Regenerate with `python -m misper.risk.reference` when a rule or the national policy changes.
    assert rule_table() in DOCS.read_text("utf-8")


def test_reason_vocabulary_is_the_issue_contract() -> None:
    assert ENGINE_REASONS == (
        "young_age", "repeat_missing", "trigger_plan", "previous_harm", "associate_of_concern",
        "missing_from_care", "out_of_area_placement", "long_duration", "policy_floor",
    )  # fmt: skip
    assert {"contact_established", "whereabouts_believed_known"} == MITIGATING_INDICATORS


def test_reason_shows_code_text_effect_evidence_and_source() -> None:
    reason = assess(base_doc(vulnerabilities=["cse_risk"]))["reasons"][0]
    assert reason == {
        "code": "cse_risk",
        "rule": "cse_risk",
        "text": "The child is known to be at risk of sexual exploitation.",
        "effect": {
            "seriousness": "high",
            "immediacy": "medium",
            "risk_floor": "medium",
            "actions": ["notify_cse_team", "strategy_meeting"],
        },
        "evidence": "child.vulnerabilities includes cse_risk",
        "source": "HMIC (2016) Missing children: who cares?",
    }


def test_docs_list_every_action_in_order() -> None:
    text = DOCS.read_text("utf-8")
    positions = [text.index(f"`{action}`", text.index("## Vocabularies")) for action in ACTIONS]
    assert positions == sorted(positions)


# --- floors that bind people too (misper.risk.binding) ----------------------------------------------------

BINDING_CASES = [
    # (what is on file, grading, the floors it breaks)
    ({"vulnerabilities": ["cse_risk"]}, ("missing", "low"), ["exploitation"]),
    ({"vulnerabilities": ["cse_risk"]}, ("missing", "medium"), []),
    (
        {"vulnerabilities": ["online_grooming_risk"]},
        ("absent", "no_apparent_risk"),
        ["exploitation", "national_policy"],
    ),
    ({}, ("absent", "no_apparent_risk"), ["national_policy"]),
    ({}, ("missing", "very_low"), []),
]


@pytest.mark.parametrize(("child", "grading", "kinds"), BINDING_CASES)
def test_binding_floors_named_in_the_result(child, grading, kinds) -> None:
    result = assess(base_doc(**child))
    broken = floors_broken(result, *grading)
    assert [f["kind"] for f in broken] == kinds
    assert all(f["text"] and "_" not in f["text"] for f in broken)


def test_absent_permitted_has_no_national_policy_floor() -> None:
    result = assess(base_doc(), "absent-permitted")
    assert [f["kind"] for f in result["binding_floors"]] == []
