"""The pure language check: table-driven over the term list, the age rule, and the list's own checks."""

from __future__ import annotations

import pytest

from misper.learning.language import language_check, parse_terms, term_list

FLAGGED = [
    ("She is streetwise and knows the area.", "streetwise"),
    ("He's street-wise", "streetwise"),
    ("This is a lifestyle choice.", "lifestyle_choice"),
    ("Attention seeking behaviour again", "attention_seeking"),
    ("staff say she is an attention-seeker", "attention_seeking"),
    ("She keeps putting herself at risk", "putting_self_at_risk"),
    ("he puts himself in danger", "putting_self_at_risk"),
    ("they are putting themselves at risk", "putting_self_at_risk"),
    ("described as promiscuous", "promiscuous"),
    ("she consented to go with him", "consented"),
    ("a consensual relationship", "consented"),
    ("mother is a time waster", "time_waster"),
    ("she is sexually active", "sexually_active"),
    ("he chose to go missing", "choosing_to_go_missing"),
    ("she is choosing to run away", "choosing_to_go_missing"),
    ("a known runaway", "runaway"),
    ("absconded from the home at 9pm", "absconded"),
    ("child prostitute", "prostitution"),
    ("with her older boyfriend", "older_boyfriend"),
    ("refused to engage with the officer", "not_engaging"),
]


@pytest.mark.parametrize(("text", "code"), FLAGGED)
def test_each_listed_term_is_found(text: str, code: str) -> None:
    assert code in [f.code for f in language_check(text, child_age=14)]


@pytest.mark.parametrize(
    "text",
    [
        "She went to a friend's house after an argument.",
        "Street lighting was poor; she walked towards the station.",
        "Consent to search the room was given by the manager.",
        "She said she was frightened to go home.",
    ],
)
def test_plain_accounts_are_not_flagged(text: str) -> None:
    assert language_check(text, child_age=14) == []


def test_sexually_active_is_flagged_only_under_16_or_when_age_is_unknown() -> None:
    text = "She is sexually active."
    assert [f.code for f in language_check(text, child_age=15)] == ["sexually_active"]
    assert [f.code for f in language_check(text, child_age=None)] == ["sexually_active"]
    assert language_check(text, child_age=16) == []
    assert language_check(text, child_age=17) == []


def test_findings_come_in_text_order_with_reason_and_suggestion() -> None:
    findings = language_check("A runaway who is streetwise.")
    assert [f.code for f in findings] == ["runaway", "streetwise"]
    assert findings[1].matched == "streetwise"
    assert findings[1].reason
    assert findings[1].suggestion


def test_every_term_names_known_sources_and_a_reason() -> None:
    terms = term_list()
    assert len(terms.terms) >= 10
    for t in terms.terms:
        assert t.reason.endswith(".")
        assert t.suggestion
        assert t.sources
        assert all(s in terms.sources for s in t.sources)


def test_a_bad_term_list_is_refused_with_the_term_named() -> None:
    base = {"sources": {"x": {"title": "X"}}}
    with pytest.raises(ValueError, match="term bad: bad pattern"):
        parse_terms({**base, "term": [{"code": "bad", "pattern": "(", "sources": ["x"]}]})
    with pytest.raises(ValueError, match="term nosrc: unknown or no sources"):
        parse_terms({**base, "term": [{"code": "nosrc", "pattern": "a", "sources": ["y"]}]})


def test_the_documentation_lists_every_term() -> None:
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[3] / "docs" / "language.md").read_text()
    assert all(f"`{t.code}`" in docs for t in term_list().terms)
    assert f"version {term_list().version}" in docs
