# ruff: noqa: F811 -- the shared fixtures are imported by name (tests/ is outside misper/)
"""Every edit names the version it was based on (issue 13). Leaving ``version`` out used to skip the check, so
a stale grading was applied over someone else's change; the API's safe-and-well had no version at all.

Now: a missing version is a 422 naming ``version``, a stale one a 409, and nothing changes. The first test
reads the OpenAPI document, so a new editing route without a required version fails here.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from misper.accounts.models import Role
from misper.config.api import api

# tests/ is outside misper/, so the shared personas and the fast hasher are imported by name.
from misper.conftest import _fast_password_hashing, api_as, world  # noqa: F401
from misper.core.errors import InvalidInput
from misper.episodes import services
from misper.episodes.models import ApprovalStatus, Episode, RiskAssessment, SafeAndWellCheck
from misper.episodes.tests.test_four_eyes import _graded_low_by
from misper.episodes.tests.test_lifecycle_api import report_doc
from tests.factories import child_make, episode_make, user_make

# POST routes with a record id in the path that do not edit a versioned record, and why.
NOT_EDITS = {
    "/api/v1/episodes/{episode_id}/actions": "adds a new action; the episode itself is not changed",
    "/api/v1/alerts/{alert_id}/acknowledge": "acknowledging is once only: a second acknowledgement changes nothing",
    "/api/v1/national/review/{pair_id}/decision": "decided once: the same decision again changes nothing "
    "(200, changed: false), a different one is a 409 (docs/linkage.md)",
    "/api/v1/children/{child_id}/flags": "adds a new flag",
    "/api/v1/children/{child_id}/associates": "adds a new associate link",
    "/api/v1/children/{child_id}/places": "adds a new place link",
    "/api/v1/people/{person_id}/cawns": "records a new warning notice issued to the person",
    "/api/v1/children/{child_id}/photo": "adds the child's photo (a multipart upload, no JSON body)",
    "/api/v1/episodes/{episode_id}/ukmpu-notice": "records the notice once: a second record is a 409",
    "/api/v1/incidents/{incident_id}/episode": "links the incident once: a second link is a 409",
    "/api/v1/children/{child_id}/cawns/{cawn_id}/breaches": "adds a breach to the notice's list; nothing "
    "recorded is overwritten",
    "/api/v1/panels/meetings/{meeting_id}/actions/{meeting_action_id}/done": "marking done is once only: again "
    "keeps the first date",
    "/api/v1/children/{child_id}/care-home-reports": "sends a new report from the care home",
    "/api/v1/children/{child_id}/care-profile": "the care home's profile is saved whole, as its page saves it; "
    "the page's service keeps no version yet (docs/partners.md, Not built yet)",
    "/api/v1/care-home-reports/{notification_id}/report": "made once from a care home's report: a second "
    "is a 409",
    "/api/v1/episodes/{episode_id}/feedback-link": "makes a new single-use link; the episode is not changed",
    "/api/v1/episodes/{episode_id}/feedback": "adds the child's answers as a new anonymous row",
    "/api/v1/recommendations/{rec_id}": "the tracker keeps no versions: saved whole, as its page saves it",
    "/api/v1/recommendations/{rec_id}/actions": "adds a new action to the recommendation",
    "/api/v1/recommendations/{rec_id}/actions/{action_id}": "the tracker keeps no versions: saved whole, as "
    "its page saves it",
    "/api/v1/recommendations/{rec_id}/updates": "adds a new progress update",
    "/api/v1/recommendations/{rec_id}/evidence": "adds a new evidence link",
    "/api/v1/placements/{notice_id}/acknowledge": "acknowledging is once only: a second acknowledgement "
    "keeps the first and changes nothing",
}


def _schema(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = document["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _editing_operations() -> list[tuple[str, dict[str, Any]]]:
    document = api.get_openapi_schema()
    found = []
    for path, operations in document["paths"].items():
        post = operations.get("post")
        if post and "{" in path and path not in NOT_EDITS:
            content = post.get("requestBody", {}).get("content", {}).get("application/json", {})
            found.append((path, _schema(document, content.get("schema", {}))))
    return found


def test_the_editing_routes_are_found():
    paths = {path for path, _ in _editing_operations()}
    assert {
        "/api/v1/episodes/{episode_id}/grading",
        "/api/v1/episodes/{episode_id}/found",
        "/api/v1/episodes/{episode_id}/safe-and-well",
        "/api/v1/episodes/{episode_id}/close",
        "/api/v1/assessments/{assessment_id}/decision",
    } <= paths


@pytest.mark.parametrize(("path", "body"), _editing_operations(), ids=[p for p, _ in _editing_operations()])
def test_every_editing_route_requires_the_version(path, body):
    assert "version" in body.get("properties", {}), f"{path}: no version in its body"
    assert "version" in body.get("required", []) or path == "/api/v1/placements/{notice_id}/end", path


# The placement notice's end route keeps version optional in its schema so that its access check runs first;
# its service refuses a missing version with a 422 naming it (misper/partners/tests/test_placement_end.py).


pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(world):
    return episode_make(child_make(world.force, ref="C-VER-1"))


def _post(client, path, body):  # type: ignore[no-untyped-def]
    return client.post_json(path, body)


def _names_version(resp) -> bool:  # type: ignore[no-untyped-def]
    return resp.status_code == 422 and "version" in [e["field"] for e in resp.json()["errors"]]


GRADE = {"category": "missing", "risk": "high"}


def test_a_grading_without_a_version_is_a_422_and_changes_nothing(episode, world, api_as):
    resp = _post(api_as(world.supervisor), f"/api/v1/episodes/{episode.pk}/grading", GRADE)
    assert _names_version(resp), resp.content
    assert RiskAssessment.objects.count() == 0
    assert Episode.objects.get(pk=episode.pk).version == 1


def test_a_stale_grading_is_a_409_and_changes_nothing(world, api_as):
    client = api_as(world.supervisor)
    body = api_as(world.calltaker).post_json("/api/v1/episodes", report_doc("C-VER-2")).json()
    first = _post(client, f"/api/v1/episodes/{body['id']}/grading", GRADE | {"version": body["version"]})
    assert first.status_code == 200
    assert first.json()["version"] == body["version"] + 1  # the answer names the version to edit next
    stale = _post(
        client,
        f"/api/v1/episodes/{body['id']}/grading",
        GRADE | {"risk": "medium", "version": body["version"]},
    )
    assert stale.status_code == 409
    assert Episode.objects.get(pk=body["id"]).risk == "high"


@pytest.fixture
def found_episode(episode, world):
    return services.episode_found(
        episode_id=episode.pk, acting_user=world.supervisor, found_at=timezone.now(), expected_version=1
    )


def test_a_safe_and_well_check_without_a_version_is_a_422(found_episode, world, api_as):
    resp = _post(api_as(world.supervisor), f"/api/v1/episodes/{found_episode.pk}/safe-and-well", {})
    assert _names_version(resp), resp.content
    assert SafeAndWellCheck.objects.count() == 0


def test_a_stale_safe_and_well_check_is_a_409(found_episode, world, api_as):
    stale = found_episode.version - 1
    resp = _post(
        api_as(world.supervisor), f"/api/v1/episodes/{found_episode.pk}/safe-and-well", {"version": stale}
    )
    assert resp.status_code == 409, resp.content
    assert SafeAndWellCheck.objects.count() == 0
    fresh = {"version": found_episode.version}
    resp = _post(api_as(world.supervisor), f"/api/v1/episodes/{found_episode.pk}/safe-and-well", fresh)
    assert resp.status_code == 201
    assert resp.json()["version"] == found_episode.version + 1


@pytest.mark.parametrize("route", ["found", "close"])
def test_found_and_close_without_a_version_are_a_422(route, episode, world, api_as):
    body = {"found_at": timezone.now().isoformat()} if route == "found" else {"reason_no_check": "Not seen."}
    resp = _post(api_as(world.supervisor), f"/api/v1/episodes/{episode.pk}/{route}", body)
    assert _names_version(resp), resp.content
    assert Episode.objects.get(pk=episode.pk).version == 1


def test_a_service_called_without_a_version_refuses(episode, world):
    """Behind the API and the pages: a caller that forgets the version is refused, never unchecked."""
    with pytest.raises(InvalidInput) as refused:
        services.episode_found(
            episode_id=episode.pk,
            acting_user=world.supervisor,
            found_at=timezone.now(),
            expected_version=None,
        )
    assert [e.field for e in refused.value.errors] == ["version"]


@pytest.fixture
def pending(world):
    """A grading below the recommendation by the call handler, waiting for a supervisor."""
    return _graded_low_by(world, world.calltaker)[1]


def test_a_decision_without_a_version_is_a_422_on_the_api_and_a_field_error_on_the_page(
    pending, world, api_as
):
    resp = _post(
        api_as(world.supervisor), f"/api/v1/assessments/{pending.pk}/decision", {"decision": "approve"}
    )
    assert _names_version(resp), resp.content
    page = Client()
    page.force_login(world.supervisor)
    resp = page.post(f"/assessments/{pending.pk}/decide", {"decision": "approve"})
    assert resp.status_code == 200
    assert "out of date" in resp.content.decode()
    pending.refresh_from_db()
    assert pending.approval_status == ApprovalStatus.PENDING


def test_a_decision_on_a_changed_episode_is_refused_on_the_page(pending, world):
    page = Client()
    page.force_login(world.supervisor)
    stale = pending.episode.version
    services.episode_found(
        episode_id=pending.episode_id,
        acting_user=world.calltaker,
        found_at=timezone.now(),
        expected_version=stale,
    )
    form = page.get(f"/assessments/{pending.pk}/decide").content.decode()
    assert f'name="version" value="{stale + 1}"' in form  # the page carries the version it shows
    resp = page.post(f"/assessments/{pending.pk}/decide", {"decision": "approve", "version": stale})
    assert resp.status_code == 200
    pending.refresh_from_db()
    assert pending.approval_status == ApprovalStatus.PENDING
    other = user_make(world.force, Role.SUPERVISOR, username="second-supervisor")
    page.force_login(other)
    resp = page.post(f"/assessments/{pending.pk}/decide", {"decision": "approve", "version": stale + 1})
    assert resp.status_code == 302
