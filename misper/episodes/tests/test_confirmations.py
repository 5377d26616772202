"""A risk sign read in the circumstances, confirmed in one click, becomes a fact and the engine grades again."""

from __future__ import annotations

import pytest

from misper.episodes.confirmations import NOT_SUGGESTED
from misper.episodes.models import Episode
from misper.episodes.tests.test_lifecycle_api import report_doc
from misper.people.models import VulnerabilityFlag
from tests.factories import child_make

pytestmark = pytest.mark.django_db
TEXT = "Seen getting into a taxi with an older man outside the home."


@pytest.fixture
def episode(world, api_as):  # type: ignore[no-untyped-def]
    child_make(world.force, ref="C-API-1", placing_authority=world.la)
    body = api_as(world.calltaker).post_json("/api/v1/episodes", report_doc(circumstances=TEXT)).json()
    episode = Episode.objects.get(pk=body["id"])
    codes = {s["code"] for s in episode.assessments.latest("pk").result["suggestions"]}
    assert {"with_adult_of_concern", "cse_risk"} <= codes
    return episode


def _confirm(client, episode, code: str, **extra: object):  # type: ignore[no-untyped-def]
    body = {"code": code, "version": episode.version} | extra
    return client.post_json(f"/api/v1/episodes/{episode.pk}/suggestions/confirm", body)


def test_confirming_an_indicator_adds_it_and_the_engine_grades_on_it(world, api_as, episode):
    before = {r["code"] for r in episode.assessments.latest("pk").result["reasons"]}
    assert "with_adult_of_concern" not in before
    resp = _confirm(api_as(world.supervisor), episode, "with_adult_of_concern")
    assert resp.status_code == 200, resp.content
    episode.refresh_from_db()
    assert "with_adult_of_concern" in episode.indicators
    latest = episode.assessments.latest("pk")
    assert "with_adult_of_concern" in {r["code"] for r in latest.result["reasons"]}
    assert latest.created_by == world.supervisor
    assert "Confirmed by" in latest.rationale


def test_confirming_a_vulnerability_flags_the_child_with_who_confirmed_it(world, api_as, episode):
    assert _confirm(api_as(world.calltaker), episode, "cse_risk").status_code == 200
    flag = VulnerabilityFlag.objects.get(child=episode.child, code="cse_risk")
    assert flag.created_by == world.calltaker
    assert "Confirmed by" in flag.source


@pytest.mark.parametrize("code", ["self_harm", "made_up", ""])
def test_a_sign_not_suggested_is_a_422_and_nothing_changes(world, api_as, episode, code):
    resp = _confirm(api_as(world.calltaker), episode, code)
    assert resp.status_code == 422
    assert resp.json()["errors"][0] == {"field": "code", "message": NOT_SUGGESTED}
    assert Episode.objects.get(pk=episode.pk).version == episode.version


def test_partners_other_forces_and_stale_pages_cannot_confirm(world, api_as, episode):
    assert _confirm(api_as(world.socialworker), episode, "cse_risk").status_code == 403
    assert _confirm(api_as(world.other_force_officer), episode, "cse_risk").status_code == 404
    assert (
        # A version other than the current one (versions start at 1, so a page from before a change)
        _confirm(api_as(world.calltaker), episode, "cse_risk", version=episode.version + 1).status_code == 409
    )
    assert not VulnerabilityFlag.objects.filter(child=episode.child).exists()


def test_the_grade_page_offers_the_one_click_confirmation(world, episode):
    from django.test import Client

    client = Client()
    client.force_login(world.calltaker)
    page = client.get(f"/episodes/{episode.pk}/grade").content.decode()
    assert "Yes, this applies" in page
    resp = client.post(
        f"/episodes/{episode.pk}/suggestions/confirm",
        {"code": "with_adult_of_concern", "version": episode.version},
    )
    assert resp.status_code == 302
    assert "with_adult_of_concern" in Episode.objects.get(pk=episode.pk).indicators
