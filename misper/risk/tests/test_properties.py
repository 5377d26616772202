"""Properties that hold for every valid document (hypothesis).

Risk factors are every vulnerability, every indicator except the mitigating ones
(`MITIGATING_INDICATORS`: contact_established, whereabouts_believed_known), an earlier episode, an
associate flag, a trigger plan and being looked after. Adding a risk factor never lowers risk,
immediacy or seriousness. Mitigating indicators are excluded from that property on purpose: they may
lower immediacy, and a separate property checks they never lower seriousness or undercut a floor.
"""

import copy
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from misper.risk import INDICATORS, MITIGATING_INDICATORS, RISKS, VULNERABILITIES, assess, load_schema
from misper.risk.vocab import ACTION_ORDER, ASSOCIATE_FLAGS, LEVELS, PLACEMENT_TYPES, RELATIONSHIPS

POLICIES = ("national", "absent-permitted")
RISK_FACTOR_INDICATORS = [code for code in INDICATORS if code not in MITIGATING_INDICATORS]
RANK = {risk: rank for rank, risk in enumerate(RISKS)}
LEVEL = {level: rank for rank, level in enumerate(LEVELS)}
PHRASES = ["with an older man", "at a hotel", "took a taxi", "drugs", "county lines", "went to the park", ""]
VALIDATOR = jsonschema.Draft202012Validator(load_schema())

settings.register_profile("misper", max_examples=150, deadline=None)
settings.load_profile("misper")

Doc = dict[str, Any]


@st.composite
def episodes(draw: st.DrawFn, reported_at: datetime, born: datetime) -> Doc:
    max_days = max((reported_at - born).total_seconds() / 86400 - 1, 0.02)
    days = draw(st.floats(min_value=0.01, max_value=min(max_days, 1500)))
    episode: Doc = {"reported_at": (reported_at - timedelta(days=days)).isoformat()}
    if draw(st.booleans()):
        episode["duration_hours"] = draw(st.floats(min_value=0, max_value=200))
        episode["harm_disclosed"] = draw(st.booleans())
        episode["found_with_adult_of_concern"] = draw(st.booleans())
        episode["risk"] = draw(st.sampled_from(RISKS))
    return episode


associates = st.fixed_dictionaries(
    {},
    optional={
        "relationship": st.sampled_from(RELATIONSHIPS),
        "age": st.integers(min_value=0, max_value=80),
        "flags": st.lists(st.sampled_from(ASSOCIATE_FLAGS), unique=True, max_size=2),
        "cawn_issued": st.booleans(),
    },
)


@st.composite
def documents(draw: st.DrawFn) -> Doc:
    offset = timezone(timedelta(hours=draw(st.sampled_from([0, 1, -5]))))
    reported_at = draw(st.datetimes(datetime(2010, 1, 1), datetime(2024, 12, 31), timezones=st.just(offset)))
    age, days = draw(st.integers(0, 17)), draw(st.integers(0, 360))
    born = reported_at.replace(year=reported_at.year - age, day=min(reported_at.day, 28)) - timedelta(
        days=days
    )
    born = min(born, reported_at - timedelta(days=1))
    child: Doc = {"ref": "H", "date_of_birth": born.date().isoformat()}
    child["vulnerabilities"] = draw(st.lists(st.sampled_from(VULNERABILITIES), unique=True, max_size=3))
    if draw(st.booleans()):
        child["looked_after"] = draw(st.booleans())
        child["placement"] = {
            "type": draw(st.sampled_from(PLACEMENT_TYPES)),
            "out_of_area": draw(st.booleans()),
        }
    if draw(st.integers(0, 4)) == 0:
        child["trigger_plan"] = {"minimum_risk": draw(st.sampled_from(RISKS))}
    report: Doc = {
        "reported_at": reported_at.isoformat(),
        "indicators": draw(st.lists(st.sampled_from(INDICATORS), unique=True, max_size=3)),
        "circumstances": draw(st.sampled_from(PHRASES)),
    }
    if draw(st.booleans()):
        report["last_seen_at"] = (reported_at - timedelta(hours=draw(st.floats(0, 150)))).isoformat()
    doc: Doc = {"format": "misper/1", "child": child, "report": report}
    doc["history"] = draw(st.lists(episodes(reported_at, born), max_size=6))
    doc["associates"] = draw(st.lists(associates, max_size=2))
    if draw(st.booleans()):
        doc["operator_grading"] = {
            "category": draw(st.sampled_from(["missing", "absent"])),
            "risk": draw(st.sampled_from(RISKS)),
        }
    return doc


def _reported(doc: Doc) -> datetime:
    return datetime.fromisoformat(doc["report"]["reported_at"])


@st.composite
def with_risk_factor(draw: st.DrawFn) -> tuple[Doc, Doc]:
    """A document and a copy with one more risk factor."""
    doc = draw(documents())
    more = copy.deepcopy(doc)
    kind = draw(
        st.sampled_from(["vulnerability", "indicator", "episode", "flag", "looked_after", "trigger_plan"])
    )
    if kind == "vulnerability":
        more["child"]["vulnerabilities"].append(draw(st.sampled_from(VULNERABILITIES)))
    elif kind == "indicator":
        more["report"]["indicators"].append(draw(st.sampled_from(RISK_FACTOR_INDICATORS)))
    elif kind == "episode":
        born = datetime.fromisoformat(doc["child"]["date_of_birth"]).replace(tzinfo=UTC)
        more["history"].append(draw(episodes(_reported(doc), born)))
    elif kind == "flag":
        more["associates"].append({"flags": [draw(st.sampled_from(ASSOCIATE_FLAGS))]})
    elif kind == "looked_after":
        more["child"]["looked_after"] = True
    else:
        current = doc["child"].get("trigger_plan", {}).get("minimum_risk", "no_apparent_risk")
        more["child"]["trigger_plan"] = {"minimum_risk": draw(st.sampled_from(RISKS[RANK[current] :]))}
    return doc, more


def _at_least(after: Doc, before: Doc) -> bool:
    return (
        RANK[after["risk"]] >= RANK[before["risk"]]
        and LEVEL[after["immediacy"]] >= LEVEL[before["immediacy"]]
        and LEVEL[after["seriousness"]] >= LEVEL[before["seriousness"]]
        and not (before["category"] == "missing" and after["category"] == "absent")
    )


@given(documents())
def test_every_valid_document_gets_a_result(doc: Doc) -> None:
    assert VALIDATOR.is_valid(doc)
    for policy in POLICIES:
        result = assess(doc, policy)
        json.dumps(result)
        assert result["risk"] in RISKS
        assert result["actions"] == sorted(set(result["actions"]), key=ACTION_ORDER.__getitem__)
        if result["seriousness"] == "high":
            assert "refer_to_childrens_social_care" in result["actions"]
        if result["category"] == "absent":
            assert {reason["code"] for reason in result["reasons"]} <= MITIGATING_INDICATORS


@given(with_risk_factor())
def test_adding_a_risk_factor_never_lowers_the_grade(pair: tuple[Doc, Doc]) -> None:
    before, after = pair
    for policy in POLICIES:
        assert _at_least(assess(after, policy), assess(before, policy))


@given(documents(), st.sampled_from(sorted(MITIGATING_INDICATORS)))
def test_mitigation_lowers_only_immediacy(doc: Doc, code: str) -> None:
    mitigated = copy.deepcopy(doc)
    mitigated["report"]["indicators"] = [*doc["report"]["indicators"], code]
    before, after = assess(doc), assess(mitigated)
    assert after["seriousness"] == before["seriousness"]
    assert LEVEL[after["immediacy"]] <= LEVEL[before["immediacy"]]
    for floor in after["floors"]:
        assert RANK[after["risk"]] >= RANK[floor["minimum_risk"]]


@given(documents())
def test_floors_are_never_undercut(doc: Doc) -> None:
    for policy in POLICIES:
        result = assess(doc, policy)
        plan = doc["child"].get("trigger_plan")
        if plan:
            assert RANK[result["risk"]] >= RANK[plan["minimum_risk"]]
        if result["age_years"] < 13:
            assert RANK[result["risk"]] >= RANK["medium"]
        if result["age_years"] < 8:
            assert result["risk"] == "high"


@given(documents())
def test_national_never_uses_absent_or_no_apparent_risk(doc: Doc) -> None:
    result = assess(doc, "national")
    assert result["category"] == "missing"
    assert result["risk"] != "no_apparent_risk"


@given(documents(), st.sampled_from(PHRASES))
def test_free_text_never_changes_the_grade(doc: Doc, phrase: str) -> None:
    changed = copy.deepcopy(doc)
    changed["report"]["circumstances"] = phrase
    keys = ("category", "risk", "immediacy", "seriousness", "actions")
    assert {k: assess(changed)[k] for k in keys} == {k: assess(doc)[k] for k in keys}


@given(documents(), st.floats(min_value=0, max_value=500))
def test_notify_ukmpu_exactly_when_missing_over_72_hours(doc: Doc, hours: float) -> None:
    now = _reported(doc) + timedelta(hours=hours)
    since = datetime.fromisoformat(doc["report"].get("last_seen_at", doc["report"]["reported_at"]))
    over = (now - since).total_seconds() / 3600 > 72
    assert ("notify_ukmpu" in assess(doc, now=now)["actions"]) is over
