"""The episode journey through the API: report, grade, found, safe and well, close."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest
from django.utils import timezone

from misper.audit.models import AccessEvent
from misper.episodes.models import Episode, RiskAssessment
from misper.partners.models import TriggerPlan
from misper.people.models import VulnerabilityFlag
from tests.factories import child_make, episode_version

pytestmark = pytest.mark.django_db


def report_doc(ref: str = "C-API-1", **report: object) -> dict:
    now = timezone.now()
    return {
        "format": "misper/1",
        "child": {
            "ref": ref,
            "given_name": "Ava",
            "family_name": "Synthetic",
            "date_of_birth": "2012-02-03",
            "sex": "female",
            "looked_after": True,
            "placement": {"type": "residential_home"},
            "vulnerabilities": [],
        },
        "report": {
            "reported_at": (now - timedelta(minutes=30)).isoformat(),
            "last_seen_at": (now - timedelta(hours=2)).isoformat(),
            "reported_by": "care_home",
            "circumstances": "Left the home after tea and has not come back.",
            "indicators": [],
            **report,
        },
    }


@pytest.fixture
def flagged_child(world):
    child = child_make(world.force, ref="C-API-1", looked_after=True, placing_authority=world.la)
    VulnerabilityFlag.objects.create(
        child=child, code="cse_risk", noted_on=timezone.now().date() - timedelta(days=30)
    )
    TriggerPlan.objects.create(
        child=child,
        minimum_risk="high",
        actions=["Call the CSE team on 0000"],
        agreed_by="Strategy meeting",
        agreed_on=timezone.now().date() - timedelta(days=10),
    )
    return child


def test_report_merges_facts_on_file_and_recommends_high(world, api_as, flagged_child):
    resp = api_as(world.calltaker).post_json("/api/v1/episodes", report_doc())
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["status"] == "reported"
    assert body["risk"] == "high"
    codes = {r["code"] for r in body["assessment"]["reasons"]}
    assert {"cse_risk", "trigger_plan"} <= codes  # on file, though the caller did not mention them
    episode = Episode.objects.get(pk=body["id"])
    assert episode.child == flagged_child
    assert episode.actions.filter(source="trigger_plan", title__contains="CSE team").exists()
    created = AccessEvent.objects.filter(action="create", record_type="episode")
    assert any(str(episode.pk) in e.record_ids for e in created)


def test_full_journey(world, api_as):
    calltaker = api_as(world.calltaker)
    # No floor that binds people (no trigger plan, no exploitation flag, 14): a lower grade can wait for a
    # supervisor. Below a binding floor it is refused outright (test_floors.py).
    doc = report_doc(indicators=["out_of_character"])
    episode_id = calltaker.post_json("/api/v1/episodes", doc).json()["id"]
    assert Episode.objects.get(pk=episode_id).risk == "medium"

    resp = calltaker.post_json(
        f"/api/v1/episodes/{episode_id}/grading",
        {"version": episode_version(episode_id), "category": "missing", "risk": "low"},
    )
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["field"] == "rationale"

    resp = calltaker.post_json(
        f"/api/v1/episodes/{episode_id}/grading",
        {
            "version": episode_version(episode_id),
            "category": "missing",
            "risk": "low",
            "rationale": "In contact with carer by phone.",
        },
    )
    assert resp.status_code == 202
    assert resp.json()["status"] == "pending_approval"
    assert Episode.objects.get(pk=episode_id).risk == "medium"  # worked at the recommendation meanwhile

    found_at = timezone.now().isoformat()
    resp = calltaker.post_json(
        f"/api/v1/episodes/{episode_id}/found",
        {"version": episode_version(episode_id), "found_at": found_at, "town": "Demoton"},
    )
    assert resp.status_code == 200
    assert resp.json()["status"] == "found"

    resp = calltaker.post_json(
        f"/api/v1/episodes/{episode_id}/close",
        {
            "version": episode_version(episode_id),
        },
    )
    assert resp.status_code == 409
    assert "safe-and-well" in resp.json()["detail"]

    resp = calltaker.post_json(
        f"/api/v1/episodes/{episode_id}/safe-and-well",
        {
            "version": episode_version(episode_id),
            "child_account": "I went to see a friend.",
            "returned_to": "same_place",
            "safe_to_return": True,
        },
    )
    assert resp.status_code == 201
    resp = calltaker.post_json(
        f"/api/v1/episodes/{episode_id}/close",
        {"version": episode_version(episode_id), "summary": "Returned safe."},
    )
    assert resp.status_code == 200, resp.content
    ri = resp.json()["return_interview"]
    assert ri["responsible_agency"] == world.la.code
    episode = Episode.objects.get(pk=episode_id)
    assert episode.status == "closed"
    detail = calltaker.get_json(f"/api/v1/episodes/{episode_id}").json()
    assert detail["return_interview"]["due_at"] == (episode.found_at + timedelta(hours=72)).isoformat()
    assert [s["to"] for s in detail["status_changes"]] == ["reported", "found", "closed"]
    assert len(detail["assessments"]) == 2


def test_grading_equal_or_higher_applies_at_once(world, api_as):
    child_make(world.force, ref="C-API-1")
    client = api_as(world.calltaker)
    body = client.post_json("/api/v1/episodes", report_doc()).json()
    resp = client.post_json(
        f"/api/v1/episodes/{body['id']}/grading",
        {"version": episode_version(body["id"]), "category": "missing", "risk": "high"},
    )
    assert resp.status_code == 200
    assert Episode.objects.get(pk=body["id"]).risk == "high"


def test_close_with_reason_instead_of_check(world, api_as):
    child_make(world.force, ref="C-API-1", placing_authority=world.la)
    client = api_as(world.calltaker)
    eid = client.post_json("/api/v1/episodes", report_doc()).json()["id"]
    client.post_json(
        f"/api/v1/episodes/{eid}/found",
        {"version": episode_version(eid), "found_at": timezone.now().isoformat()},
    )
    resp = client.post_json(
        f"/api/v1/episodes/{eid}/close",
        {"version": episode_version(eid), "reason_no_check": "Child refused to speak to police."},
    )
    assert resp.status_code == 200


def test_returned_home_refused_without_safety_decision_when_harm_at_home_suspected(world, api_as):
    child_make(world.force, ref="C-API-1", placing_authority=world.la)
    client = api_as(world.calltaker)
    eid = client.post_json("/api/v1/episodes", report_doc(indicators=["harm_at_home_suspected"])).json()["id"]
    client.post_json(
        f"/api/v1/episodes/{eid}/found",
        {"version": episode_version(eid), "found_at": timezone.now().isoformat()},
    )
    resp = client.post_json(
        f"/api/v1/episodes/{eid}/safe-and-well",
        {"version": episode_version(eid), "returned_to": "same_place"},
    )
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["field"] == "safety_decision"
    resp = client.post_json(
        f"/api/v1/episodes/{eid}/safe-and-well",
        {
            "version": episode_version(eid),
            "returned_to": "same_place",
            "safety_decision": "Social worker visited; mother's partner has left.",
        },
    )
    assert resp.status_code == 201


def test_found_before_reported_is_refused_and_nothing_changes(world, api_as):
    client = api_as(world.calltaker)
    eid = client.post_json("/api/v1/episodes", report_doc()).json()["id"]
    before = Episode.objects.get(pk=eid)
    resp = client.post_json(
        f"/api/v1/episodes/{eid}/found",
        {"version": episode_version(eid), "found_at": (before.reported_at - timedelta(hours=1)).isoformat()},
    )
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["field"] == "found_at"
    after = Episode.objects.get(pk=eid)
    assert (after.status, after.version) == (before.status, before.version)


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d.pop("format"), "format"),
        (lambda d: d["child"].update(vulnerabilities=["not_a_code"]), "child.vulnerabilities[0]"),
        (lambda d: d["child"].update(date_of_birth="2999-01-01"), "child.date_of_birth"),
        (lambda d: d["report"].update(reported_at="yesterday"), "report.reported_at"),
        (lambda d: d.update(surprise=1), "surprise"),
        (lambda d: d["child"].update(looked_after="yes"), "child.looked_after"),
    ],
)
def test_bad_documents_are_field_level_422_and_store_nothing(world, api_as, mutate, field):
    doc = copy.deepcopy(report_doc())
    mutate(doc)
    resp = api_as(world.calltaker).post_json("/api/v1/episodes", doc)
    assert resp.status_code == 422, resp.content
    assert field in resp.json()["detail"]
    assert Episode.objects.count() == 0
    assert RiskAssessment.objects.count() == 0


@pytest.mark.parametrize("body", ["{not json", b"\xff\xfe", "[1, 2]", "null"])
def test_malformed_bodies_are_422_not_500(world, api_as, body):
    resp = api_as(world.calltaker).post_json("/api/v1/episodes", body)
    assert resp.status_code == 422
    assert resp.json()["errors"]
    assert Episode.objects.count() == 0


def test_idempotency_key_never_creates_a_second_episode(world, api_as):
    client = api_as(world.calltaker)
    doc = report_doc()
    first = client.post_json("/api/v1/episodes", doc, headers={"Idempotency-Key": "abc-1"})
    again = client.post_json("/api/v1/episodes", doc, headers={"Idempotency-Key": "abc-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Episode.objects.count() == 1


def test_stale_version_is_409_and_saves_nothing(world, api_as):
    client = api_as(world.calltaker)
    body = client.post_json("/api/v1/episodes", report_doc()).json()
    stale = body["version"]
    assert (
        client.post_json(
            f"/api/v1/episodes/{body['id']}/grading",
            {"category": "missing", "risk": "high", "version": stale},
        ).status_code
        == 200
    )
    resp = client.post_json(
        f"/api/v1/episodes/{body['id']}/found", {"found_at": timezone.now().isoformat(), "version": stale}
    )
    assert resp.status_code == 409
    assert Episode.objects.get(pk=body["id"]).status == "reported"


def test_partners_cannot_report_and_other_forces_cannot_see(world, api_as):
    assert api_as(world.socialworker).post_json("/api/v1/episodes", report_doc()).status_code == 403
    eid = api_as(world.calltaker).post_json("/api/v1/episodes", report_doc()).json()["id"]
    assert api_as(world.other_force_officer).get_json(f"/api/v1/episodes/{eid}").status_code == 404
    resp = api_as(world.other_force_officer).post_json(
        f"/api/v1/episodes/{eid}/found",
        {"version": episode_version(eid), "found_at": timezone.now().isoformat()},
    )
    assert resp.status_code == 404
