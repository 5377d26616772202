"""A host force (the child placed on its patch) sees the owning force's episode, but its people must not
lower the owning force's grade: a grading below the recommendation waits for the owning force's
supervisors, and only the owning force's duty inspector grades below a floor (attacks of the security
review: the host force's officer graded down and its own supervisor approved it)."""

from __future__ import annotations

from typing import Any

import pytest

from misper.accounts.models import Role
from misper.accounts.tests.sentinel_world import sentinel_world_build
from misper.episodes.models import ApprovalStatus, Episode, RiskAssessment
from tests.factories import episode_version, user_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> Any:
    return sentinel_world_build()


def _host(w: Any, role: Role) -> Any:
    return user_make(w.extra["agencies"]["host_force"], role, username=f"snt-host-{role}")


def _grade(client: Any, episode: Episode, risk: str, **kw: str) -> Any:
    body = {"category": "missing", "risk": risk, "rationale": "Host says fine.", **kw}
    return client.post_json(
        f"/api/v1/episodes/{episode.pk}/grading", {**body, "version": episode_version(episode.pk)}
    )


def test_a_host_force_supervisor_cannot_approve_a_lower_grade_of_the_owning_forces_episode(world, api_as):  # type: ignore[no-untyped-def]
    episode = world.open_episode
    assert Episode.objects.get(pk=episode.pk).risk == "high"
    officer = _host(world, Role.INVESTIGATING_OFFICER)
    assert _grade(api_as(officer), episode, "medium").status_code == 202
    pending = RiskAssessment.objects.get(approval_status=ApprovalStatus.PENDING, created_by=officer)
    decide = {"decision": "approve", "version": episode_version(episode.pk)}

    resp = api_as(_host(world, Role.SUPERVISOR)).post_json(
        f"/api/v1/assessments/{pending.pk}/decision", decide
    )

    assert resp.status_code == 403, resp.content
    pending.refresh_from_db()
    assert (Episode.objects.get(pk=episode.pk).risk, pending.approval_status) == (
        "high",
        ApprovalStatus.PENDING,
    )


def test_a_host_force_duty_inspector_cannot_grade_below_the_owning_forces_floor(world, api_as):  # type: ignore[no-untyped-def]
    episode = world.open_episode
    inspector = api_as(_host(world, Role.DUTY_INSPECTOR))

    resp = _grade(inspector, episode, "very_low", override_reason="Seen safe by our patrol.")

    assert resp.status_code == 403, resp.content
    assert Episode.objects.get(pk=episode.pk).risk == "high"
