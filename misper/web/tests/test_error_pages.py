"""Refused and missing pages are styled GOV.UK pages that say why and link back, never a bare "403"."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_refused_page_says_why_and_links_home(world):
    client = Client()
    client.force_login(world.calltaker)
    resp = client.get("/board")
    page = resp.content.decode()
    assert resp.status_code == 403
    assert "You cannot see this page" in page
    assert "Only supervisors and missing person coordinators can see the board." in page
    assert 'href="/"' in page
    assert "govuk-service-navigation" in page


def test_a_missing_or_invisible_record_is_a_styled_404_that_leaks_nothing(world):
    from tests.factories import child_make, episode_make

    theirs = episode_make(child_make(world.other_force, given_name="Secret", family_name="Child"))
    client = Client()
    client.force_login(world.calltaker)
    for url in (f"/episodes/{theirs.pk}", "/episodes/999999", "/no-such-page"):
        resp = client.get(url)
        page = resp.content.decode()
        assert resp.status_code == 404, url
        assert "Page not found" in page
        assert "Secret" not in page
        assert 'href="/children/search"' in page


def test_the_feedback_forms_error_summary_names_each_question(world):
    from tests.factories import child_make, episode_make

    episode = episode_make(child_make(world.force), status="found")
    client = Client()
    client.force_login(world.supervisor)
    page = client.post(f"/episodes/{episode.pk}/feedback", {}).content.decode()
    summary = page.split("There is a problem")[1].split("</ul>")[0]
    for message in (
        "Choose whether the police listened to you",
        "Choose whether you were treated with respect",
        "Choose whether you felt blamed",
        "Choose whether you felt safe with the officer",
    ):
        assert message in summary
    assert "Choose an answer" not in page
