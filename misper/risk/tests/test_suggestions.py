"""Missed-indicator suggestions from the free text: found, named, and never graded on."""

import pytest

from misper.risk import assess
from misper.risk.tests.factories import base_doc, with_

CASES = [
    ("Seen getting into a car with an older man.", "with_adult_of_concern", "older man"),
    ("Her 24-year-old boyfriend picked her up.", "cse_risk", "24-year-old boyfriend"),
    ("Staff think she has been staying in hotels.", "cse_risk", "hotels"),
    ("A taxi collected him from the home.", "cse_risk", "taxi"),
    ("Friends say he takes trains to Birmingham.", "cce_risk", "trains"),
    ("Police believe he is involved in county lines.", "cce_risk", "county lines"),
    ("She was smoking cannabis with friends.", "substance_misuse", "cannabis"),
    ("Posted that she wants to die.", "suicidal_ideation", "wants to die"),
    ("Has been self-harming since Easter.", "self_harm", "self-harming"),
    ("Took her passport with her.", "plans_to_travel_abroad", "passport"),
    ("Chatting on Snapchat to someone she never met.", "online_contact_with_stranger", "Snapchat"),
    ("Family planning a wedding for her this summer.", "forced_marriage_risk", "wedding"),
    ("School noticed bruises on his arms.", "harm_at_home_suspected", "bruises"),
]


@pytest.mark.parametrize(("text", "code", "matched"), CASES)
def test_suggestion_names_code_and_phrase(text: str, code: str, matched: str) -> None:
    result = assess(with_(base_doc(), "report.circumstances", text))
    assert {"code": code, "matched": matched} in [
        {"code": s["code"], "matched": s["matched"]} for s in result["suggestions"]
    ]
    assert result["risk"] == "very_low"  # free text never changes the grade
    assert all(s["text"].endswith("?") for s in result["suggestions"])


def test_no_suggestion_for_a_code_already_on_the_record() -> None:
    doc = with_(base_doc(vulnerabilities=["substance_misuse"]), "report.circumstances", "Drunk at the park.")
    assert assess(doc)["suggestions"] == []


def test_plain_text_suggests_nothing() -> None:
    doc = with_(base_doc(), "report.circumstances", "Went to the cinema and missed the last bus home.")
    assert assess(doc)["suggestions"] == []


def test_suggestion_kind() -> None:
    doc = with_(base_doc(), "report.circumstances", "With an older woman at a hotel.")
    kinds = {s["code"]: s["kind"] for s in assess(doc)["suggestions"]}
    assert kinds == {"with_adult_of_concern": "indicator", "cse_risk": "vulnerability"}
