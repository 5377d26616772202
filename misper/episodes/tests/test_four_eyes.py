"""Four eyes: whoever decides on a grading below the recommendation is never whoever graded it
(issue 13 point 4, issue 16). Through the service, the API's decision route and the decision page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from misper.accounts.models import Role
from misper.episodes import services
from misper.episodes.models import ApprovalStatus, Episode, RiskAssessment
from tests.factories import child_make, decided_episode_version, episode_version, user_make

pytestmark = pytest.mark.django_db

RATIONALE = "Her aunt rang: she is at the aunt's flat and will be home by ten."


def _doc(child_ref: str) -> dict:
    now = timezone.now()
    return {
        "format": "misper/1",
        "child": {
            "ref": child_ref,
            "given_name": "Bea",
            "family_name": "Synthetic",
            "date_of_birth": (now.date() - timedelta(days=15 * 366)).isoformat(),
            "sex": "female",
            "looked_after": False,
            "vulnerabilities": [],
        },
        "report": {
            "reported_at": (now - timedelta(minutes=30)).isoformat(),
            "last_seen_at": (now - timedelta(hours=2)).isoformat(),
            "reported_by": "parent",
            "circumstances": "Did not come home after school.",
            "indicators": ["out_of_character"],
        },
    }


def _graded_low_by(world, grader) -> tuple[Episode, RiskAssessment]:
    """A 15-year-old with no floor above low, reported at medium and graded low by ``grader``."""
    child_make(world.force, ref="FE-1")
    episode = services.episode_report(doc=_doc("FE-1"), acting_user=world.calltaker).episode
    assert episode.risk == "medium"
    outcome = services.episode_regrade(
        episode_id=episode.pk,
        category="missing",
        risk_grade="low",
        rationale=RATIONALE,
        acting_user=grader,
        expected_version=episode_version(episode.pk),
    )
    assert outcome.pending_approval
    episode.refresh_from_db()
    return episode, outcome.assessment


def _still_pending(episode: Episode, assessment: RiskAssessment) -> None:
    assessment.refresh_from_db()
    episode.refresh_from_db()
    assert assessment.approval_status == ApprovalStatus.PENDING
    assert assessment.decided_by is None
    assert episode.risk == "medium"


# --- the service ------------------------------------------------------------------------------------------


def test_a_supervisor_cannot_approve_their_own_lower_grading(world):
    episode, assessment = _graded_low_by(world, world.supervisor)
    with pytest.raises(PermissionDenied, match="another supervisor"):
        services.assessment_decide(
            assessment_id=assessment.pk,
            approve=True,
            note="",
            acting_user=world.supervisor,
            expected_version=decided_episode_version(assessment.pk),
        )
    _still_pending(episode, assessment)


def test_the_grader_cannot_reject_their_own_grading_either(world):
    episode, assessment = _graded_low_by(world, world.supervisor)
    with pytest.raises(PermissionDenied):
        services.assessment_decide(
            assessment_id=assessment.pk,
            approve=False,
            note="Changed my mind",
            acting_user=world.supervisor,
            expected_version=decided_episode_version(assessment.pk),
        )
    _still_pending(episode, assessment)


def test_another_supervisor_decides(world):
    episode, assessment = _graded_low_by(world, world.supervisor)
    second = user_make(world.force, Role.SUPERVISOR, username="second-supervisor")
    services.assessment_decide(
        assessment_id=assessment.pk,
        approve=True,
        note="",
        acting_user=second,
        expected_version=decided_episode_version(assessment.pk),
    )
    assessment.refresh_from_db()
    episode.refresh_from_db()
    assert (assessment.approval_status, assessment.decided_by, episode.risk) == ("approved", second, "low")


# --- the API ----------------------------------------------------------------------------------------------


def _decide(client, assessment: RiskAssessment, **body):  # type: ignore[no-untyped-def]
    body = {"decision": "approve", "version": decided_episode_version(assessment.pk), **body}
    return client.post_json(f"/api/v1/assessments/{assessment.pk}/decision", body)


def test_api_decision_by_the_grader_is_403_and_changes_nothing(world, api_as):
    episode, assessment = _graded_low_by(world, world.supervisor)
    resp = _decide(api_as(world.supervisor), assessment)
    assert resp.status_code == 403, resp.content
    assert "another supervisor" in resp.json()["detail"]
    _still_pending(episode, assessment)


def test_api_decision_by_another_supervisor_applies_the_grade(world, api_as):
    episode, assessment = _graded_low_by(world, world.calltaker)
    resp = _decide(
        api_as(world.supervisor), assessment, note="Agreed: aunt confirmed.", version=episode.version
    )
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert (body["approval_status"], body["decided_by"]) == ("approved", "supervisor")
    episode.refresh_from_db()
    assert episode.risk == "low"


def test_api_reject_needs_a_note_naming_the_field(world, api_as):
    episode, assessment = _graded_low_by(world, world.calltaker)
    resp = _decide(api_as(world.supervisor), assessment, decision="reject", note=" ")
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["field"] == "note"
    _still_pending(episode, assessment)


@pytest.mark.parametrize("decision", ["approved", "", "APPROVE", 1])
def test_api_unknown_decision_is_422(world, api_as, decision):
    episode, assessment = _graded_low_by(world, world.calltaker)
    resp = _decide(api_as(world.supervisor), assessment, decision=decision)
    assert resp.status_code == 422
    assert "decision" in resp.json()["errors"][0]["field"]
    _still_pending(episode, assessment)


def test_api_decision_invisible_or_missing_is_404(world, api_as):
    episode, assessment = _graded_low_by(world, world.calltaker)
    other = user_make(world.other_force, Role.SUPERVISOR, username="other-supervisor")
    assert _decide(api_as(other), assessment).status_code == 404
    assert (
        api_as(world.supervisor)
        .post_json("/api/v1/assessments/999999/decision", {"decision": "approve", "version": 1})
        .status_code
        == 404
    )
    _still_pending(episode, assessment)


def test_api_decision_by_a_non_supervisor_is_403(world, api_as):
    episode, assessment = _graded_low_by(world, world.calltaker)
    assert _decide(api_as(world.analyst), assessment).status_code == 403
    assert _decide(api_as(world.socialworker), assessment).status_code in (403, 404)
    _still_pending(episode, assessment)


def test_api_decision_twice_or_stale_is_409(world, api_as):
    episode, assessment = _graded_low_by(world, world.calltaker)
    client = api_as(world.supervisor)
    assert _decide(client, assessment, version=episode.version - 1).status_code == 409
    _still_pending(episode, assessment)
    assert _decide(client, assessment).status_code == 200
    again = _decide(client, assessment, decision="reject", note="No")
    assert again.status_code == 409
    assessment.refresh_from_db()
    assert assessment.approval_status == "approved"


# --- the page ---------------------------------------------------------------------------------------------


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def test_page_refuses_the_grader_in_words_and_offers_no_form(world):
    episode, assessment = _graded_low_by(world, world.supervisor)
    page = _client(world.supervisor).get(f"/assessments/{assessment.pk}/decide").content.decode()
    assert "You made this grading, so another supervisor must decide on it." in page
    assert 'name="decision"' not in page
    resp = _client(world.supervisor).post(
        f"/assessments/{assessment.pk}/decide", {"decision": "approve", "version": episode.version}
    )
    assert resp.status_code == 403
    assert "another supervisor" in resp.content.decode()
    _still_pending(episode, assessment)
