"""The engine's reasons in an officer's words: sentences with dates, no field paths, codes or decimals."""

from __future__ import annotations

from datetime import date

import pytest

from misper.episodes.reasons import evidence_words

INPUTS = {
    "report": {"reported_at": "2026-03-20T10:00:00+00:00"},
    "history": [
        {"reported_at": "2026-01-05T10:00:00+00:00"},
        {"reported_at": "2026-02-11T10:00:00+00:00"},
        {"reported_at": "2026-03-03T18:30:00+00:00"},
    ],
}


@pytest.mark.parametrize(
    ("evidence", "words"),
    [
        ("child.vulnerabilities includes self_harm", ""),
        ("report.indicators includes suicidal_ideation", ""),
        (
            "this is episode 4 in 90 days (repeat from 3); 3 earlier episodes in all",
            "Missing 4 times in the last 90 days, counting this time, most recently on 3 March 2026.",
        ),
        (
            "earlier episodes of 72 hours or more: history[4] (2026-03-28) lasted 181.88 hours",
            "28 March 2026, missing for 7 days 13 hours.",
        ),
        ("looked after, placement: residential_home", "Looked after, placement: residential home."),
        ("child.placement.out_of_area is true", ""),
        (
            "child.trigger_plan is in place with minimum risk high; its actions: Ring Mill Lane",
            "A trigger plan is in place with minimum risk high; its actions: Ring Mill Lane.",
        ),
    ],
)
def test_evidence_reads_as_a_sentence(evidence, words):
    assert evidence_words(evidence, INPUTS) == words


def test_the_episode_page_shows_no_field_paths_or_policy_codes(world, api_as):
    from django.test import Client

    from misper.episodes.tests.test_lifecycle_api import report_doc
    from misper.people.models import VulnerabilityFlag
    from tests.factories import child_make

    child = child_make(world.force, ref="C-WORDS")
    VulnerabilityFlag.objects.create(child=child, code="self_harm", noted_on=date(2026, 1, 1))
    body = api_as(world.calltaker).post_json("/api/v1/episodes", report_doc("C-WORDS")).json()
    client = Client()
    client.force_login(world.supervisor)
    page = client.get(f"/episodes/{body['id']}").content.decode()
    why = page.split('id="why-grade"')[1].split("</details>")[0]
    for code in ("child.vulnerabilities", "report.indicators", "Evidence:", "history[", "Policy national"):
        assert code not in why
    assert "Assessed under the national risk policy" in why
