"""A grading waiting for approval goes stale once a newer grading is recorded after it (a risk answer
filled, a re-grade): approving the old one then would put back a grade made on what was known before,
below what the engine now recommends, with nobody having explained it against the new information."""

from __future__ import annotations

import pytest

from misper.accounts.models import Role
from misper.episodes.models import ApprovalStatus, Episode, RiskAssessment
from misper.episodes.tests.test_lifecycle_api import report_doc
from tests.factories import child_make, episode_version, user_make

pytestmark = pytest.mark.django_db


def test_a_grading_made_before_an_answer_raised_the_grade_cannot_be_approved(world, api_as):  # type: ignore[no-untyped-def]
    child_make(world.force, ref="C-STALE-1", placing_authority=world.la)
    resp = api_as(world.calltaker).post_json(
        "/api/v1/episodes", report_doc("C-STALE-1", indicators=["bullying"])
    )
    assert resp.status_code == 201, resp.content
    episode = Episode.objects.get(pk=resp.json()["id"])
    officer = api_as(user_make(world.force, Role.INVESTIGATING_OFFICER, username="stale-officer"))
    low = {"category": "missing", "risk": "very_low", "rationale": "Seen at a friend's."}
    graded = officer.post_json(
        f"/api/v1/episodes/{episode.pk}/grading", {**low, "version": episode_version(episode.pk)}
    )
    assert graded.json()["status"] == "pending_approval"
    pending = RiskAssessment.objects.get(approval_status=ApprovalStatus.PENDING)
    filled = officer.post_json(
        f"/api/v1/episodes/{episode.pk}/answers",
        {"answers": {"suicidal_ideation": "yes"}, "version": episode_version(episode.pk)},
    )
    assert filled.json()["assessment"]["graded_risk"] == "high"

    decide = {"decision": "approve", "version": episode_version(episode.pk)}
    resp = api_as(world.supervisor).post_json(f"/api/v1/assessments/{pending.pk}/decision", decide)

    assert resp.status_code == 409
    episode.refresh_from_db()
    pending.refresh_from_db()
    assert (episode.risk, pending.approval_status) == ("high", ApprovalStatus.PENDING)
    reject = {"decision": "reject", "note": "Out of date.", "version": episode_version(episode.pk)}
    rejected = api_as(world.supervisor).post_json(f"/api/v1/assessments/{pending.pk}/decision", reject)
    assert rejected.status_code == 200, rejected.content
    episode.refresh_from_db()
    assert episode.risk == "high"
