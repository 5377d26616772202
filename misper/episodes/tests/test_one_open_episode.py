"""One open episode per child: a second report for a child already missing is refused with 409 naming the
open episode, unless it says it is a separate incident and why (kept on the new episode's history)."""

from __future__ import annotations

import pytest

from misper.episodes.models import Episode, StatusChange
from misper.episodes.tests.test_lifecycle_api import report_doc

pytestmark = pytest.mark.django_db


def _first(world, api_as, ref: str = "C-ONE-1") -> dict:
    resp = api_as(world.calltaker).post_json("/api/v1/episodes", report_doc(ref))
    assert resp.status_code == 201, resp.json()
    return resp.json()


def test_a_second_report_for_a_child_already_missing_is_a_409_naming_the_open_episode(world, api_as):
    first = _first(world, api_as)
    resp = api_as(world.supervisor).post_json("/api/v1/episodes", report_doc("C-ONE-1"))
    assert resp.status_code == 409
    body = resp.json()
    assert body["open_episode"] == {"id": first["id"], "reference": first["reference"]}
    assert first["reference"] in body["detail"]
    assert "Ava Synthetic is already reported missing" in body["detail"]
    assert [e["field"] for e in body["errors"]] == ["report.separate_incident"]
    assert Episode.objects.filter(child__ref="C-ONE-1").count() == 1


def test_a_separate_incident_with_a_reason_is_recorded_and_the_override_logged(world, api_as):
    first = _first(world, api_as)
    doc = report_doc(
        "C-ONE-1", separate_incident={"reason": "Seen boarding a coach to Leeds, a new incident"}
    )
    resp = api_as(world.supervisor).post_json("/api/v1/episodes", doc)
    assert resp.status_code == 201, resp.json()
    note = StatusChange.objects.get(episode_id=resp.json()["id"], from_status="").note
    assert note == (
        f"Reported as a separate incident while {first['reference']} was open: "
        "Seen boarding a coach to Leeds, a new incident"
    )


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_separate_incident_without_a_reason_is_refused_and_nothing_saved(world, api_as, reason):
    _first(world, api_as)
    doc = report_doc("C-ONE-1", separate_incident={"reason": reason})
    resp = api_as(world.supervisor).post_json("/api/v1/episodes", doc)
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["field"].startswith("report.separate_incident")
    assert Episode.objects.filter(child__ref="C-ONE-1").count() == 1


@pytest.mark.parametrize(
    ("value", "field"),
    [
        (True, "report.separate_incident"),
        ({"reason": "x" * 2001}, "report.separate_incident.reason"),
        ({"reason": "why", "by": "me"}, "report.separate_incident.by"),
    ],
)
def test_a_malformed_or_huge_override_is_a_422(world, api_as, value, field):
    _first(world, api_as)
    resp = api_as(world.supervisor).post_json(
        "/api/v1/episodes", report_doc("C-ONE-1", separate_incident=value)
    )
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["field"] == field
    assert Episode.objects.filter(child__ref="C-ONE-1").count() == 1


def test_a_retried_report_with_its_idempotency_key_is_a_replay_not_a_conflict(world, api_as):
    client = api_as(world.calltaker)
    key = {"Idempotency-Key": "retry-1"}
    doc = report_doc("C-ONE-2")  # the same body: a retry (a different body with the key is a 422)
    first = client.post_json("/api/v1/episodes", doc, headers=key)
    again = client.post_json("/api/v1/episodes", doc, headers=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]


def test_another_forces_report_with_the_same_reference_neither_conflicts_nor_learns_of_it(world, api_as):
    _first(world, api_as, "C-ONE-3")
    resp = api_as(world.other_force_officer).post_json("/api/v1/episodes", report_doc("C-ONE-3"))
    assert resp.status_code == 201
    assert "open_episode" not in resp.json()


def test_once_the_child_is_found_a_new_report_is_a_new_episode(world, api_as):
    from django.utils import timezone

    first = _first(world, api_as, "C-ONE-4")
    Episode.objects.filter(pk=first["id"]).update(status="found", found_at=timezone.now())
    resp = api_as(world.supervisor).post_json("/api/v1/episodes", report_doc("C-ONE-4"))
    assert resp.status_code == 201


# --- the report page ----------------------------------------------------------------------------------


def test_the_report_page_for_a_child_already_missing_leads_to_the_open_episode(world):
    from django.test import Client

    from misper.episodes.tests.test_views import report_form
    from tests.factories import child_make, episode_make

    child = child_make(world.force, given_name="Caitlin", family_name="Smith")
    current = episode_make(child)
    client = Client()
    client.force_login(world.calltaker)
    page = client.get(f"/children/{child.pk}/report").content.decode()
    assert "Caitlin Smith is already missing" in page
    assert f'href="/episodes/{current.pk}"' in page
    # Straight to the form without a reason: refused, nothing saved.
    resp = client.post(f"/children/{child.pk}/report?separate=yes", report_form())
    assert "Say why this is a separate incident from the open episode" in resp.content.decode()
    assert child.episodes.count() == 1
    resp = client.post(
        f"/children/{child.pk}/report?separate=yes", report_form(separate_reason="Found, then left again")
    )
    assert resp.status_code == 302
    new = child.episodes.exclude(pk=current.pk).get()
    assert new.status_changes.get().note.endswith("was open: Found, then left again")
