"""A supervisor's review and a handover through the API (issue 19): the pages' services and access rules.
The attacks are a call handler or partner reviewing, another force, self-approval of a review's re-grade,
handing over to an officer of another force, a stale or missing version, and bad values."""

from __future__ import annotations

import pytest

from misper.accounts.models import Role
from misper.episodes.models import Action, ApprovalStatus, Episode, Review, RiskAssessment
from misper.episodes.tests.test_lifecycle_api import report_doc
from tests.factories import episode_version, user_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(world, api_as):  # type: ignore[no-untyped-def]
    body = api_as(world.calltaker).post_json("/api/v1/episodes", report_doc("C-REV-1")).json()
    return Episode.objects.get(pk=body["id"])


def _review(client, episode, **kw):  # type: ignore[no-untyped-def]
    body = {"notes": "Checked the enquiries; grade stands.", "version": episode_version(episode.pk), **kw}
    return client.post_json(f"/api/v1/episodes/{episode.pk}/reviews", body)


def _fields(resp) -> list[str]:  # type: ignore[no-untyped-def]
    return [e["field"] for e in resp.json()["errors"]]


def _not_found(resp) -> bool:  # type: ignore[no-untyped-def]
    """The API's own 404 (the route exists; the record is not visible), not a missing route."""
    return resp.status_code == 404 and resp.json() == {"detail": "Not found.", "errors": []}


def test_a_supervisor_reviews_and_the_episode_becomes_an_investigation(world, api_as, episode):  # type: ignore[no-untyped-def]
    resp = _review(api_as(world.supervisor), episode)
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert (body["status"], body["regrade"]) == ("active", "none")
    assert body["version"] == episode_version(episode.pk)
    assert body["next_review_at"]
    assert Review.objects.get().reviewer == world.supervisor


@pytest.mark.parametrize("who", ["calltaker", "analyst", "socialworker"])
def test_only_supervisors_and_coordinators_review(world, api_as, episode, who):  # type: ignore[no-untyped-def]
    resp = _review(api_as(getattr(world, who)), episode)
    assert resp.status_code == 403
    assert not Review.objects.exists()


def test_another_forces_supervisor_gets_a_404(world, api_as, episode):  # type: ignore[no-untyped-def]
    other = user_make(world.other_force, Role.SUPERVISOR, username="other-supervisor")
    assert _not_found(_review(api_as(other), episode))
    assert not Review.objects.exists()


def test_a_regrade_below_the_recommendation_waits_and_its_reviewer_cannot_approve_it(world, api_as, episode):  # type: ignore[no-untyped-def]
    client = api_as(world.supervisor)
    resp = _review(client, episode, regrade={"category": "missing", "risk": "very_low", "rationale": "Seen."})
    assert resp.status_code == 201, resp.content
    assert resp.json()["regrade"] == "pending_approval"
    pending = RiskAssessment.objects.get(approval_status=ApprovalStatus.PENDING)
    decide = {"decision": "approve", "version": episode_version(episode.pk)}
    self_approval = client.post_json(f"/api/v1/assessments/{pending.pk}/decision", decide)
    assert self_approval.status_code == 403
    pending.refresh_from_db()
    assert pending.approval_status == ApprovalStatus.PENDING


def test_a_stale_or_missing_version_changes_nothing(world, api_as, episode):  # type: ignore[no-untyped-def]
    client = api_as(world.supervisor)
    stale = _review(client, episode, version=episode_version(episode.pk) + 5)
    assert stale.status_code == 409
    resp = client.post_json(f"/api/v1/episodes/{episode.pk}/reviews", {"notes": "No version"})
    assert (resp.status_code, _fields(resp)) == (422, ["version"])
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"notes": "   "}, "notes"),
        ({"notes": "x" * 20001}, "notes"),
        ({"regrade": {"category": "missing", "risk": "catastrophic"}}, "regrade.risk"),
        ({"regrade": {"category": "missing", "risk": "high", "colour": "red"}}, "regrade.colour"),
        ({"version": 2**40}, "version"),
    ],
)
def test_bad_review_input_is_a_422_naming_the_field(world, api_as, episode, change, field):  # type: ignore[no-untyped-def]
    resp = _review(api_as(world.supervisor), episode, **change)
    assert resp.status_code == 422, resp.content
    assert field in _fields(resp), resp.json()
    assert not Review.objects.exists()


# --- handover ------------------------------------------------------------------------------------------


def _handover(client, episode, new_owner, **kw):  # type: ignore[no-untyped-def]
    body = {"new_owner": new_owner, "note": "Enquiries at the station are outstanding.", **kw}
    body.setdefault("version", episode_version(episode.pk))
    return client.post_json(f"/api/v1/episodes/{episode.pk}/handover", body)


def test_an_officer_hands_over_to_a_colleague(world, api_as, episode):  # type: ignore[no-untyped-def]
    resp = _handover(api_as(world.calltaker), episode, "supervisor")
    assert resp.status_code == 200, resp.content
    assert resp.json()["owner"] == "supervisor"
    episode.refresh_from_db()
    assert episode.owner == world.supervisor
    assert Action.objects.get(code="handover").outcome == "Enquiries at the station are outstanding."


@pytest.mark.parametrize("name", ["otherofficer", "socialworker", "nobody-of-that-name"])
def test_handing_over_to_anyone_but_a_colleague_is_one_422(world, api_as, episode, name):  # type: ignore[no-untyped-def]
    resp = _handover(api_as(world.supervisor), episode, name)
    assert (resp.status_code, _fields(resp)) == (422, ["new_owner"])
    episode.refresh_from_db()
    assert episode.owner_id != world.other_force_officer.pk


def test_a_partner_may_not_hand_over_and_another_force_gets_a_404(world, api_as, episode):  # type: ignore[no-untyped-def]
    assert _handover(api_as(world.socialworker), episode, "supervisor").status_code == 403
    assert _not_found(_handover(api_as(world.other_force_officer), episode, "otherofficer"))
    assert not Action.objects.filter(code="handover").exists()


def test_a_stale_handover_is_a_409(world, api_as, episode):  # type: ignore[no-untyped-def]
    resp = _handover(api_as(world.calltaker), episode, "supervisor", version=episode_version(episode.pk) + 1)
    assert resp.status_code == 409
    assert not Action.objects.filter(code="handover").exists()
