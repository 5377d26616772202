"""Bad documents are refused with an error that names the field."""

from typing import Any

import jsonschema
import pytest

from misper.risk import InvalidDocument, assess, load_schema, validate
from misper.risk.tests.factories import base_doc, episode, with_

BAD: list[tuple[str, Any, str, str]] = [
    # (what is wrong, document, field, words in the message)
    ("not an object", ["misper/1"], "$", "JSON object"),
    ("missing format", {k: v for k, v in base_doc().items() if k != "format"}, "format", "is required"),
    ("wrong format", with_(base_doc(), "format", "misper/2"), "format", "'misper/1'"),
    ("missing child", {k: v for k, v in base_doc().items() if k != "child"}, "child", "is required"),
    (
        "missing reported_at",
        with_(base_doc(), "report", {"indicators": []}),
        "report.reported_at",
        "is required",
    ),
    ("ref is a number", with_(base_doc(), "child.ref", 12), "child.ref", "must be string"),
    (
        "looked_after is a string",
        with_(base_doc(), "child.looked_after", "yes"),
        "child.looked_after",
        "boolean",
    ),
    ("vulnerabilities not a list", base_doc(vulnerabilities="autism"), "child.vulnerabilities", "array"),
    (
        "unknown vulnerability",
        base_doc(vulnerabilities=["autism", "wizardry"]),
        "child.vulnerabilities[1]",
        "'wizardry'",
    ),
    (
        "unknown indicator",
        with_(base_doc(), "report.indicators", ["gone_fishing"]),
        "report.indicators[0]",
        "gone_fishing",
    ),
    (
        "unknown associate flag",
        with_(base_doc(), "associates", [{"flags": ["bad"]}]),
        "associates[0].flags[0]",
        "'bad'",
    ),
    ("unknown placement", base_doc(placement={"type": "hotel"}), "child.placement.type", "'hotel'"),
    ("unknown field", with_(base_doc(), "child.shoe_size", 5), "child.shoe_size", "not a misper/1 field"),
    ("unknown top-level field", with_(base_doc(), "episode", {}), "episode", "not a misper/1 field"),
    ("associate age negative", with_(base_doc(), "associates", [{"age": -1}]), "associates[0].age", "0"),
    (
        "associate age is true",
        with_(base_doc(), "associates", [{"age": True}]),
        "associates[0].age",
        "integer",
    ),
    (
        "duration negative",
        with_(base_doc(), "history", [episode(5, duration_hours=-2)]),
        "history[0].duration_hours",
        "0",
    ),
    ("date of birth unparsable", base_doc(date_of_birth="14/03/2001"), "child.date_of_birth", "YYYY-MM-DD"),
    (
        "date of birth not a real day",
        base_doc(date_of_birth="2001-02-30"),
        "child.date_of_birth",
        "YYYY-MM-DD",
    ),
    (
        "reported_at unparsable",
        with_(base_doc(), "report.reported_at", "yesterday"),
        "report.reported_at",
        "UTC offset",
    ),
    (
        "reported_at without offset",
        with_(base_doc(), "report.reported_at", "2015-07-10T22:30:00"),
        "report.reported_at",
        "UTC offset",
    ),
    (
        "born after the report",
        base_doc(date_of_birth="2016-01-01"),
        "child.date_of_birth",
        "after report.reported_at",
    ),
    ("born in the future", base_doc(date_of_birth="2999-01-01"), "child.date_of_birth", "in the future"),
    ("an adult", base_doc(date_of_birth="1990-01-01"), "child.date_of_birth", "18 or over"),
    (
        "last seen after report",
        with_(base_doc(), "report.last_seen_at", "2015-07-11T00:00:00+01:00"),
        "report.last_seen_at",
        "after",
    ),
    (
        "history after report",
        with_(base_doc(), "history", [episode(3), episode(-1)]),
        "history[1].reported_at",
        "not before",
    ),
    (
        "history at the report",
        with_(base_doc(), "history", [episode(0)]),
        "history[0].reported_at",
        "not before",
    ),
    (
        "history before birth",
        with_(base_doc(), "history", [episode(365 * 16)]),
        "history[0].reported_at",
        "before child.date_of_birth",
    ),
    (
        "history bad date",
        with_(base_doc(), "history", [{"reported_at": "2015-13-01T00:00:00Z"}]),
        "history[0].reported_at",
        "UTC offset",
    ),
    (
        "grading unknown risk",
        with_(base_doc(), "operator_grading", {"category": "missing", "risk": "huge"}),
        "operator_grading.risk",
        "huge",
    ),
    (
        "grading incomplete",
        with_(base_doc(), "operator_grading", {"risk": "low"}),
        "operator_grading.category",
        "required",
    ),
    (
        "answer not yes, no or not known",
        with_(base_doc(), "report.answers", {"suicidal_ideation": "maybe"}),
        "report.answers.suicidal_ideation",
        "not_known",
    ),
    (
        "answer as a boolean",
        with_(base_doc(), "report.answers", {"suicidal_ideation": True}),
        "report.answers.suicidal_ideation",
        "yes, no, not_known",
    ),
    (
        "answer to no such question",
        with_(base_doc(), "report.answers", {"likes_cake": "no"}),
        "report.answers.likes_cake",
        "not a misper/1 field",
    ),
    (
        "answer contradicts a ticked indicator",
        with_(with_(base_doc(), "report.indicators", ["bullying"]), "report.answers", {"bullying": "no"}),
        "report.answers.bullying",
        "report.indicators includes bullying",
    ),
]


@pytest.mark.parametrize(("doc", "field", "words"), [case[1:] for case in BAD], ids=[case[0] for case in BAD])
def test_invalid_document_names_the_field(doc: Any, field: str, words: str) -> None:
    with pytest.raises(InvalidDocument) as caught:
        validate(doc)
    assert caught.value.field == field
    assert words in caught.value.message
    assert str(caught.value) == f"{field}: {caught.value.message}"
    assert "\n" not in str(caught.value)
    with pytest.raises(InvalidDocument):
        assess(doc)


def test_optional_fields_may_be_missing() -> None:
    minimal = {
        "format": "misper/1",
        "child": {"ref": "X", "date_of_birth": "2000-01-01"},
        "report": {"reported_at": "2015-07-10T22:30:00Z"},
    }
    validate(minimal)
    assert assess(minimal)["risk"] == "very_low"


def test_source_and_address_are_allowed_at_top_level() -> None:
    doc = with_(
        with_(base_doc(), "source", "WMP"),
        "address",
        {"line": "1 High St", "town": "Leeds", "postcode": "LS1 1AA"},
    )
    validate(doc)


@pytest.mark.parametrize(
    "doc",
    [
        base_doc(),
        with_(base_doc(), "operator_grading", {"category": "absent", "risk": "no_apparent_risk"}),
        with_(base_doc(), "report.answers", {"suicidal_ideation": "not_known", "bullying": "yes"}),
    ],
)
def test_published_schema_agrees_with_the_validator(doc: Any) -> None:
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(doc)


# Shape, type and code errors, which any draft 2020-12 validator must catch from the published schema
# alone (date order and real dates are checked in Python).
SCHEMA_CASES = BAD[1:17]


@pytest.mark.parametrize(
    ("doc", "field"), [case[1:3] for case in SCHEMA_CASES], ids=[c[0] for c in SCHEMA_CASES]
)
def test_published_schema_refuses_what_the_schema_can_see(doc: Any, field: str) -> None:
    assert not jsonschema.Draft202012Validator(load_schema()).is_valid(doc), field
