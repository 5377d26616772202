"""Floors that bind people too (issue 16): the inspection's failure replayed must be impossible.

A 14-year-old in care, flagged at risk of sexual exploitation, whose trigger plan says "treat as high", is
graded absent / no apparent risk as "streetwise… lifestyle choice" and a supervisor approves. Through the
API and the pages, as the call handler and as the supervisor; only a duty inspector's named override, with a
reason, goes below a floor, and it is told to the coordinators and shown on the board."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from misper.accounts.models import Role
from misper.episodes import services
from misper.episodes.documents import child_section
from misper.episodes.models import ApprovalStatus, Episode, RiskAssessment
from misper.learning.language_forms import SAVE_ANYWAY
from misper.notifications.models import Alert
from misper.partners.models import TriggerPlan
from misper.people.models import VulnerabilityFlag
from tests.factories import child_make, decided_episode_version, user_make

pytestmark = pytest.mark.django_db

BLAMING = "She is streetwise and this is a lifestyle choice; she always comes back."


@pytest.fixture
def caitlin(world):
    """14, in care, CSE flag, a trigger plan that says treat as high."""
    today = timezone.localdate()
    child = child_make(
        world.force,
        ref="REPLAY-1",
        given_name="Caitlin",
        date_of_birth=today.replace(year=today.year - 14) - timedelta(days=40),
        looked_after=True,
        placing_authority=world.la,
    )
    VulnerabilityFlag.objects.create(child=child, code="cse_risk", noted_on=today - timedelta(days=30))
    TriggerPlan.objects.create(
        child=child,
        minimum_risk="high",
        actions=["Call the CSE team"],
        agreed_by="Strategy meeting",
        agreed_on=today - timedelta(days=10),
    )
    return child


@pytest.fixture
def inspector(world):
    return user_make(world.force, Role.DUTY_INSPECTOR, username="inspector")


@pytest.fixture
def coordinator(world):
    return user_make(world.force, Role.COORDINATOR, username="coordinator")


def _doc(child, **extra) -> dict:  # type: ignore[no-untyped-def]
    return {
        "format": "misper/1",
        "child": child_section(child, timezone.now()),
        "report": {"reported_at": timezone.now().isoformat(), "reported_by": "care_home"},
        **extra,
    }


def _reported(world, child) -> Episode:
    doc = {
        "format": "misper/1",
        "child": child_section(child, timezone.now()),
        "report": {
            "reported_at": (timezone.now() - timedelta(minutes=20)).isoformat(),
            "reported_by": "care_home",
            "circumstances": "Did not come back to the home after school.",
        },
    }
    episode = services.episode_report(doc=doc, acting_user=world.calltaker).episode
    assert episode.risk == "high"
    return episode


def _unchanged(episode: Episode) -> None:
    before = (episode.category, episode.risk, episode.version)
    episode.refresh_from_db()
    assert (episode.category, episode.risk, episode.version) == before
    assert not RiskAssessment.objects.filter(episode=episode, approval_status=ApprovalStatus.PENDING).exists()


# --- the API ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["calltaker", "supervisor"])
def test_replay_through_the_api_is_refused_naming_the_floors(world, api_as, caitlin, who):
    episode = _reported(world, caitlin)
    resp = api_as(getattr(world, who)).post_json(
        f"/api/v1/episodes/{episode.pk}/grading",
        {"category": "absent", "risk": "no_apparent_risk", "rationale": BLAMING, "version": episode.version},
    )
    assert resp.status_code == 422, resp.content
    error = resp.json()["errors"][0]
    assert error["field"] == "category"
    assert "trigger plan, which says to treat them as at least high risk" in error["message"]
    assert "risk of sexual exploitation" in error["message"]
    assert "never graded absent" in error["message"]
    assert "duty inspector" in error["message"]
    _unchanged(episode)


@pytest.mark.parametrize("grade", ["medium", "low", "very_low"])
def test_any_grade_below_the_trigger_plan_is_refused(world, api_as, caitlin, grade):
    episode = _reported(world, caitlin)
    resp = api_as(world.supervisor).post_json(
        f"/api/v1/episodes/{episode.pk}/grading",
        {
            "category": "missing",
            "risk": grade,
            "rationale": "Aunt says she is safe.",
            "version": episode.version,
        },
    )
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["field"] == "risk"
    assert "trigger plan" in resp.json()["errors"][0]["message"]
    _unchanged(episode)


def test_a_report_graded_below_a_floor_is_refused_and_nothing_stored(world, api_as, caitlin):
    doc = _doc(caitlin, operator_grading={"category": "absent", "risk": "no_apparent_risk"})
    resp = api_as(world.calltaker).post_json("/api/v1/episodes", doc)
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["field"] == "operator_grading.category"
    assert not Episode.objects.filter(child=caitlin).exists()


def test_an_absent_grade_for_a_child_without_other_floors_names_the_national_policy(world, api_as):
    today = timezone.localdate()
    doc = _doc(child_make(world.force, ref="PLAIN-1", date_of_birth=today.replace(year=today.year - 16)))
    episode = services.episode_report(doc=doc, acting_user=world.calltaker).episode
    resp = api_as(world.supervisor).post_json(
        f"/api/v1/episodes/{episode.pk}/grading",
        {
            "category": "absent",
            "risk": "no_apparent_risk",
            "rationale": "Late home.",
            "version": episode.version,
        },
    )
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["message"].startswith(
        "You cannot grade below the national policy: a child reported missing is never graded absent."
    )


def test_duty_inspector_override_needs_a_reason(world, api_as, caitlin, inspector):
    episode = _reported(world, caitlin)
    resp = api_as(inspector).post_json(
        f"/api/v1/episodes/{episode.pk}/grading",
        {"category": "missing", "risk": "medium", "rationale": "", "version": episode.version},
    )
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["field"] == "override_reason"
    _unchanged(episode)


def test_duty_inspector_override_is_named_applied_alerted_and_on_the_board(
    world, api_as, caitlin, inspector, coordinator
):
    episode = _reported(world, caitlin)
    reason = "Seen by the police at her aunt's an hour ago; the CSE team agree. Review at 08:00."
    resp = api_as(inspector).post_json(
        f"/api/v1/episodes/{episode.pk}/grading",
        {"category": "missing", "risk": "medium", "override_reason": reason, "version": episode.version},
    )
    assert resp.status_code == 200, resp.content
    episode.refresh_from_db()
    assert episode.risk == "medium"
    assessment = RiskAssessment.objects.filter(episode=episode).latest("pk")
    assert assessment.approval_status == ApprovalStatus.OVERRIDDEN
    assert (assessment.created_by, assessment.override_reason) == (inspector, reason)
    assert [f["kind"] for f in assessment.floors_overridden] == ["trigger_plan"]
    alerts = Alert.objects.filter(event="grading.floor_overridden", episode=episode)
    assert [(a.recipient_user, a.channel) for a in alerts] == [(coordinator, "inbox")]
    assert "trigger plan" in alerts[0].payload["floors"][0]
    board = _client(world.supervisor).get("/board").content.decode()
    assert "Graded below a floor" in board
    assert escape(reason) in board


def test_a_partner_is_never_told_of_an_override(world, api_as, caitlin, inspector):
    episode = _reported(world, caitlin)
    api_as(inspector).post_json(
        f"/api/v1/episodes/{episode.pk}/grading",
        {
            "category": "missing",
            "risk": "medium",
            "override_reason": "Seen safe.",
            "version": episode.version,
        },
    )
    alerts = Alert.objects.filter(event="grading.floor_overridden")
    assert alerts.exists()
    assert not alerts.exclude(recipient_agency=world.force).exists()
    assert not alerts.exclude(channel="inbox").exists()


# --- blaming language needs the senior review -------------------------------------------------------------


def _no_floor_episode(world) -> Episode:
    today = timezone.localdate()
    doc = _doc(child_make(world.force, ref="BL-1", date_of_birth=today.replace(year=today.year - 15)))
    doc["report"]["indicators"] = ["out_of_character"]
    episode = services.episode_report(doc=doc, acting_user=world.calltaker).episode
    assert episode.risk == "medium"
    return episode


def test_blaming_rationale_needs_a_duty_inspector_not_a_supervisor(world, api_as, inspector):
    episode = _no_floor_episode(world)
    graded = api_as(world.calltaker).post_json(
        f"/api/v1/episodes/{episode.pk}/grading",
        {"category": "missing", "risk": "low", "rationale": BLAMING, "version": episode.version},
    )
    assert graded.status_code == 202
    assessment_id = graded.json()["assessment"]["id"]
    refused = api_as(world.supervisor).post_json(
        f"/api/v1/assessments/{assessment_id}/decision",
        {"decision": "approve", "version": decided_episode_version(assessment_id)},
    )
    assert refused.status_code == 403
    assert "duty inspector" in refused.json()["detail"]
    episode.refresh_from_db()
    assert episode.risk == "medium"
    done = api_as(inspector).post_json(
        f"/api/v1/assessments/{assessment_id}/decision",
        {"decision": "approve", "version": decided_episode_version(assessment_id)},
    )
    assert done.status_code == 200
    episode.refresh_from_db()
    assert episode.risk == "low"


# --- the pages --------------------------------------------------------------------------------------------


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.parametrize("who", ["calltaker", "supervisor"])
def test_replay_on_the_grade_page_is_a_field_error(world, caitlin, who):
    episode = _reported(world, caitlin)
    resp = _client(getattr(world, who)).post(
        f"/episodes/{episode.pk}/grade",
        {
            "version": episode.version,
            "category": "absent",
            "risk": "no_apparent_risk",
            "rationale": BLAMING,
            SAVE_ANYWAY: "yes",  # past the prompt to think again about the words: the floor still holds
        },
    )
    page = resp.content.decode()
    assert resp.status_code == 200
    assert "There is a problem" in page
    assert 'href="#id_category"' in page
    assert "trigger plan, which says to treat them as at least high risk" in page
    _unchanged(episode)


def test_the_grade_page_names_the_floors_and_offers_the_override_only_to_an_inspector(
    world, caitlin, inspector
):
    episode = _reported(world, caitlin)
    page = _client(world.supervisor).get(f"/episodes/{episode.pk}/grade").content.decode()
    assert "You cannot grade below:" in page
    assert "override_reason" not in page
    assert (
        'name="override_reason"' in _client(inspector).get(f"/episodes/{episode.pk}/grade").content.decode()
    )


def test_inspector_override_on_the_page(world, caitlin, inspector, coordinator):
    episode = _reported(world, caitlin)
    resp = _client(inspector).post(
        f"/episodes/{episode.pk}/grade",
        {
            "version": episode.version,
            "category": "missing",
            "risk": "medium",
            "rationale": "",
            "override_reason": "Seen safe at her aunt's by an officer.",
        },
    )
    assert resp.status_code == 302
    episode.refresh_from_db()
    assert episode.risk == "medium"
    assert Alert.objects.filter(event="grading.floor_overridden", recipient_user=coordinator).exists()


def test_the_decision_page_tells_a_supervisor_a_duty_inspector_must_decide(world, api_as, inspector):
    episode = _no_floor_episode(world)
    graded = api_as(world.calltaker).post_json(
        f"/api/v1/episodes/{episode.pk}/grading",
        {"category": "missing", "risk": "low", "rationale": BLAMING, "version": episode.version},
    )
    assessment_id = graded.json()["assessment"]["id"]
    page = _client(world.supervisor).get(f"/assessments/{assessment_id}/decide").content.decode()
    assert "A duty inspector must decide on this grading" in page
    assert 'name="decision"' not in page
    assert (
        'name="decision"' in _client(inspector).get(f"/assessments/{assessment_id}/decide").content.decode()
    )


# --- a floor that binds only after the grading was made (approval re-checks what is on file now) ----------


def _pending_low_then_plan(world, api_as) -> tuple[Episode, int]:
    """A grading below the recommendation made when no floor bound; then a trigger plan "at least high"."""
    episode = _no_floor_episode(world)
    graded = api_as(world.calltaker).post_json(
        f"/api/v1/episodes/{episode.pk}/grading",
        {
            "category": "missing",
            "risk": "low",
            "rationale": "Seen at her aunt's.",
            "version": episode.version,
        },
    )
    assert graded.status_code == 202
    TriggerPlan.objects.create(
        child=episode.child,
        minimum_risk="high",
        actions=["Call the CSE team"],
        agreed_by="Strategy meeting",
        agreed_on=timezone.localdate(),
    )
    return episode, graded.json()["assessment"]["id"]


def test_approving_a_grading_below_a_floor_that_binds_now_is_refused(world, api_as):
    episode, assessment_id = _pending_low_then_plan(world, api_as)
    refused = api_as(world.supervisor).post_json(
        f"/api/v1/assessments/{assessment_id}/decision",
        {"decision": "approve", "note": "ok", "version": decided_episode_version(assessment_id)},
    )
    assert refused.status_code == 422
    assert "trigger plan, which says to treat them as at least high risk" in str(refused.json())
    episode.refresh_from_db()
    assert episode.risk == "medium"
    assert RiskAssessment.objects.get(pk=assessment_id).approval_status == ApprovalStatus.PENDING


def test_approving_below_a_new_floor_on_the_decision_page_is_refused_in_words(world, api_as):
    episode, assessment_id = _pending_low_then_plan(world, api_as)
    resp = _client(world.supervisor).post(
        f"/assessments/{assessment_id}/decide",
        {"decision": "approve", "note": "ok", "version": decided_episode_version(assessment_id)},
    )
    page = resp.content.decode()
    assert resp.status_code == 200
    assert "There is a problem" in page
    assert escape("trigger plan, which says to treat them as at least high risk") in page
    episode.refresh_from_db()
    assert episode.risk == "medium"


def test_a_duty_inspector_approves_below_a_new_floor_only_with_a_reason(
    world, api_as, inspector, coordinator
):
    episode, assessment_id = _pending_low_then_plan(world, api_as)
    body = {"decision": "approve", "note": "ok", "version": decided_episode_version(assessment_id)}
    no_reason = api_as(inspector).post_json(f"/api/v1/assessments/{assessment_id}/decision", body)
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"][0]["field"] == "override_reason"
    done = api_as(inspector).post_json(
        f"/api/v1/assessments/{assessment_id}/decision",
        {**body, "override_reason": "Seen safe at her aunt's by an officer."},
    )
    assert done.status_code == 200
    episode.refresh_from_db()
    assessment = RiskAssessment.objects.get(pk=assessment_id)
    assert (episode.risk, assessment.approval_status) == ("low", ApprovalStatus.OVERRIDDEN)
    assert [f["kind"] for f in assessment.floors_overridden] == ["trigger_plan"]
    assert Alert.objects.filter(event="grading.floor_overridden", recipient_user=coordinator).exists()
