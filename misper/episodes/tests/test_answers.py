"""Risk questions answered yes, no or not known: the report page, the API, the episode's gaps to fill and
updating an answer later, with every access rule attacked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from misper.episodes.answers import NOT_A_QUESTION, NOT_AN_ANSWER
from misper.episodes.forms import INDICATOR_QUESTIONS, UNANSWERED
from misper.episodes.models import RISK_ORDER, Episode
from misper.episodes.tests.test_lifecycle_api import report_doc
from tests.factories import child_make, episode_make, risk_answers_post

pytestmark = pytest.mark.django_db
SUICIDE = INDICATOR_QUESTIONS["suicidal_ideation"]


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def _local(dt) -> str:  # type: ignore[no-untyped-def]
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def _form(**answers: str) -> dict[str, str]:
    now = timezone.now()
    data = {
        "reporter_type": "parent",
        "reported_at": _local(now - timedelta(minutes=10)),
        "last_seen_at": _local(now - timedelta(hours=2)),
        "circumstances": "Did not come home from school.",
        **risk_answers_post(),
    }
    data.update({f"answer_{code}": answer for code, answer in answers.items()})
    return data


@pytest.fixture
def reported(world, api_as):  # type: ignore[no-untyped-def]
    """A reported episode with "has the child talked about suicide?" not known."""
    child_make(world.force, ref="C-API-1", placing_authority=world.la)
    doc = report_doc(answers={"suicidal_ideation": "not_known", "bullying": "no"})
    resp = api_as(world.calltaker).post_json("/api/v1/episodes", doc)
    assert resp.status_code == 201, resp.content
    return Episode.objects.get(pk=resp.json()["id"])


# --- the report page --------------------------------------------------------------------------------------


def test_an_unanswered_question_is_a_field_error_naming_it_and_nothing_is_saved(world):
    child = child_make(world.force)
    data = _form()
    del data["answer_suicidal_ideation"]
    resp = _client(world.calltaker).post(f"/children/{child.pk}/report", data)
    page = resp.content.decode()
    assert resp.status_code == 200
    assert "There is a problem" in page
    message = UNANSWERED.format(question=SUICIDE).replace("“", "&ldquo;").replace("”", "&rdquo;")
    assert message in page or UNANSWERED.format(question=SUICIDE) in page
    assert 'href="#id_answer_suicidal_ideation"' in page
    assert 'id="id_answer_suicidal_ideation"' in page
    assert page.count('href="#id_answer_') == 1  # only the unanswered one
    assert not Episode.objects.filter(child=child).exists()


def test_a_nonsense_answer_is_a_field_error_not_a_500(world):
    child = child_make(world.force)
    resp = _client(world.calltaker).post(f"/children/{child.pk}/report", _form(bullying="maybe" * 1000))
    assert resp.status_code == 200
    assert 'href="#id_answer_bullying"' in resp.content.decode()
    assert not Episode.objects.filter(child=child).exists()


def test_not_known_is_recorded_and_graded_as_if_yes(world):
    child = child_make(world.force)
    resp = _client(world.calltaker).post(
        f"/children/{child.pk}/report", _form(suicidal_ideation="not_known", bullying="yes")
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    episode = Episode.objects.get(child=child)
    assert (episode.indicators, episode.indicators_not_known) == (["bullying"], ["suicidal_ideation"])
    assert episode.risk == "high"
    answers = episode.assessments.get().inputs["report"]["answers"]
    assert (answers["suicidal_ideation"], answers["bullying"], answers["school_problems"]) == (
        "not_known",
        "yes",
        "no",
    )
    page = _client(world.calltaker).get(f"/episodes/{episode.pk}/grade").content.decode()
    assert "Not known yet: counted as if the answer were yes until someone finds out." in page


# --- the API ---------------------------------------------------------------------------------------------


def test_the_api_takes_yes_no_and_not_known_and_the_old_list_still_means_yes(reported, world, api_as):
    assert reported.indicators_not_known == ["suicidal_ideation"]
    assert reported.risk == "high"
    body = api_as(world.calltaker).get_json(f"/api/v1/episodes/{reported.pk}").json()
    assert body["answers"]["suicidal_ideation"] == "not_known"
    assert body["answers"]["bullying"] == "no"
    partner = api_as(world.socialworker).get_json(f"/api/v1/episodes/{reported.pk}").json()
    assert partner["answers"]["suicidal_ideation"] == "not_known"  # as visible as the yes answers
    child_make(world.force, ref="C-API-2", placing_authority=world.la)
    old = api_as(world.calltaker).post_json(
        "/api/v1/episodes", report_doc("C-API-2", indicators=["bullying"])
    )
    assert old.status_code == 201, old.content
    episode = Episode.objects.get(pk=old.json()["id"])
    assert (episode.indicators, episode.indicators_not_known) == (["bullying"], [])


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"suicidal_ideation": "maybe"}, "report.answers.suicidal_ideation"),
        ({"suicidal_ideation": True}, "report.answers.suicidal_ideation"),
        ({"suicidal_ideation": None}, "report.answers.suicidal_ideation"),
        ({"likes_cake": "no"}, "report.answers.likes_cake"),
        ({"bullying": "no"}, "report.answers.bullying"),  # contradicts indicators
        ("yes", "report.answers"),
    ],
)
def test_a_bad_answer_in_a_report_is_a_422_naming_the_question(world, api_as, answers, field):
    child_make(world.force, ref="C-API-1", placing_authority=world.la)
    doc = report_doc(indicators=["bullying"], answers=answers)
    resp = api_as(world.calltaker).post_json("/api/v1/episodes", doc)
    assert resp.status_code == 422, resp.content
    assert field in {e["field"] for e in resp.json()["errors"]}
    assert not Episode.objects.exists()


def _update(client, episode, answers, **extra):  # type: ignore[no-untyped-def]
    body = {"answers": answers, "version": Episode.objects.get(pk=episode.pk).version} | extra
    return client.post_json(f"/api/v1/episodes/{episode.pk}/answers", body)


def test_filling_a_gap_grades_again_never_lower_than_now(reported, world, api_as):
    before = reported.assessments.count()
    resp = _update(api_as(world.calltaker), reported, {"suicidal_ideation": "no"})
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert (body["status"], body["answers"]["suicidal_ideation"]) == ("applied", "no")
    episode = Episode.objects.get(pk=reported.pk)
    assert (episode.indicators_not_known, episode.risk) == ([], "high")  # lower only with a reason
    latest = episode.assessments.latest("pk")
    assert episode.assessments.count() == before + 1
    assert RISK_ORDER[latest.recommended_risk] < RISK_ORDER["high"]  # the engine now recommends lower
    assert "suicidal ideation: no (was not known)" in latest.rationale
    again = _update(api_as(world.calltaker), reported, {"suicidal_ideation": "no"})
    assert again.json()["status"] == "unchanged"
    assert Episode.objects.get(pk=reported.pk).assessments.count() == before + 1


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ({"suicidal_ideation": "maybe"}, "answers.suicidal_ideation", NOT_AN_ANSWER),
        ({"likes_cake": "yes"}, "answers.likes_cake", NOT_A_QUESTION),
        ({"x" * 5000: "yes"}, "answers." + "x" * 112, NOT_A_QUESTION),
        ({}, "answers", None),
    ],
)
def test_a_bad_answer_update_is_a_422_naming_the_question_and_changes_nothing(
    reported, world, api_as, answers, field, message
):
    resp = _update(api_as(world.calltaker), reported, answers)
    assert resp.status_code == 422, resp.content
    errors = {e["field"]: e["message"] for e in resp.json()["errors"]}
    assert field in errors
    assert message is None or errors[field] == message
    assert Episode.objects.get(pk=reported.pk).version == reported.version


def test_partners_other_forces_stale_pages_and_closed_episodes_cannot_change_answers(reported, world, api_as):
    change = {"suicidal_ideation": "no"}
    assert _update(api_as(world.socialworker), reported, change).status_code == 403
    assert _update(api_as(world.other_force_officer), reported, change).status_code == 404
    stale = _update(api_as(world.calltaker), reported, change, version=reported.version + 1)
    assert stale.status_code == 409
    no_version = api_as(world.calltaker).post_json(
        f"/api/v1/episodes/{reported.pk}/answers", {"answers": change}
    )
    assert no_version.status_code == 422
    assert Episode.objects.get(pk=reported.pk).indicators_not_known == ["suicidal_ideation"]
    Episode.objects.filter(pk=reported.pk).update(status="closed")
    assert _update(api_as(world.calltaker), reported, change).status_code == 409
    assert Episode.objects.get(pk=reported.pk).indicators_not_known == ["suicidal_ideation"]


# --- the episode page: gaps to fill ------------------------------------------------------------------------


def test_the_episode_page_shows_not_known_as_a_gap_with_a_way_to_fill_it(reported, world):
    page = _client(world.calltaker).get(f"/episodes/{reported.pk}").content.decode()
    gaps = page.split('data-testid="answer-gaps"')[1].split("</dd>")[0]
    assert f"Not known yet: {SUICIDE} — " in gaps
    assert f'href="/episodes/{reported.pk}/answers#id_answer_suicidal_ideation"' in gaps
    partner = _client(world.socialworker).get(f"/episodes/{reported.pk}").content.decode()
    partner_gaps = partner.split('data-testid="answer-gaps"')[1].split("</dd>")[0]
    assert f"Not known yet: {SUICIDE}" in partner_gaps
    assert "/answers" not in partner_gaps  # partners see the gap; police fill it


def test_the_answers_page_fills_the_gap_and_grades_up_when_the_answer_is_yes(reported, world):
    client = _client(world.calltaker)
    page = client.get(f"/episodes/{reported.pk}/answers").content.decode()
    assert 'name="answer_suicidal_ideation" type="radio" value="not_known" checked' in page
    data = {**risk_answers_post(yes=("out_of_character",)), "version": str(reported.version)}
    resp = client.post(f"/episodes/{reported.pk}/answers", data)
    assert resp.status_code == 302, resp.content.decode()[:2000]
    episode = Episode.objects.get(pk=reported.pk)
    assert (episode.indicators, episode.indicators_not_known) == (["out_of_character"], [])
    page = client.get(f"/episodes/{reported.pk}").content.decode()
    assert 'data-testid="answer-gaps"' not in page
    assert _client(world.socialworker).get(f"/episodes/{reported.pk}/answers").status_code == 403
    assert _client(world.other_force_officer).get(f"/episodes/{reported.pk}/answers").status_code == 404


def test_the_answers_page_names_an_unanswered_question(reported, world):
    data = {**risk_answers_post(), "version": str(reported.version)}
    del data["answer_bullying"]
    resp = _client(world.calltaker).post(f"/episodes/{reported.pk}/answers", data)
    assert resp.status_code == 200
    assert 'href="#id_answer_bullying"' in resp.content.decode()
    assert Episode.objects.get(pk=reported.pk).version == reported.version


def test_harm_at_home_not_known_needs_the_safety_decision_as_if_suspected(world, api_as):
    now = timezone.now()
    unsure = episode_make(
        child_make(world.force, placing_authority=world.la),
        status="found",
        found_at=now - timedelta(hours=1),
        indicators_not_known=["harm_at_home_suspected"],
    )
    body = {"returned_to": "same_place", "child_account": "Said she was fine.", "version": unsure.version}
    resp = api_as(world.calltaker).post_json(f"/api/v1/episodes/{unsure.pk}/safe-and-well", body)
    assert resp.status_code == 422, resp.content
    assert "safety_decision" in {e["field"] for e in resp.json()["errors"]}
    resp = api_as(world.calltaker).post_json(
        f"/api/v1/episodes/{unsure.pk}/safe-and-well", body | {"safety_decision": "Sgt Ray: father away"}
    )
    assert resp.status_code == 201, resp.content
