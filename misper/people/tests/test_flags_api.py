"""Vulnerability flags through the API: who may add, see, review and expire them; the engine reads them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from misper.audit.models import ChangeRecord
from misper.episodes.documents import child_section
from misper.people.flags import NEED_REASON, UNKNOWN_CODE
from misper.people.models import VulnerabilityFlag
from tests.factories import child_make, flag_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(world):  # type: ignore[no-untyped-def]
    return child_make(world.force, placing_authority=world.la, looked_after=True)


def _add(client, child_id: int, **body: object):  # type: ignore[no-untyped-def]
    payload = {"code": "cse_risk", "source": "Social worker", "review_by": _later().isoformat()} | body
    return client.post_json(f"/api/v1/children/{child_id}/flags", payload)


def _later() -> date:
    return timezone.localdate() + timedelta(days=90)


def test_police_add_a_flag_and_the_engine_counts_it_at_the_next_report(world, api_as, child):
    resp = _add(api_as(world.calltaker), child.pk)
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["id"]
    assert body["code"] == "cse_risk"
    assert body["current"] is True
    assert body["review_on"] == _later().isoformat()
    assert "cse_risk" in child_section(child, timezone.now())["vulnerabilities"]
    assert ChangeRecord.objects.filter(record_type="vulnerabilityflag", record_id=str(body["id"])).exists()


def test_a_partners_flag_shows_its_agency_to_police(world, api_as, child):
    flag_id = _add(api_as(world.socialworker), child.pk, source="Allocated social worker").json()["id"]
    detail = api_as(world.calltaker).get_json(f"/api/v1/children/{child.pk}").json()
    flag = next(f for f in detail["flags"] if f["id"] == flag_id)
    assert flag["source_agency"] == world.la.name
    assert flag["source"] == "Allocated social worker"


def test_police_only_flags_never_reach_partners(world, api_as, child):
    flag_id = _add(api_as(world.calltaker), child.pk, code="trafficking_risk", police_only=True).json()["id"]
    partner = api_as(world.socialworker)
    detail = partner.get_json(f"/api/v1/children/{child.pk}").json()
    assert flag_id not in [f["id"] for f in detail["flags"]]
    assert "trafficking_risk" not in str(detail)
    assert "associates" not in detail
    resp = partner.post_json(
        f"/api/v1/flags/{flag_id}/expire", {"version": flag_version(flag_id), "reason": "guess"}
    )
    assert resp.status_code == 404
    assert VulnerabilityFlag.objects.get(pk=flag_id).expired_at is None


def test_a_partner_cannot_mark_a_flag_police_only(world, api_as, child):
    resp = _add(api_as(world.socialworker), child.pk, police_only=True)
    assert resp.status_code == 403
    assert not VulnerabilityFlag.objects.exists()


def test_expiring_needs_a_reason_and_stops_the_engine_counting_it(world, api_as, child):
    client = api_as(world.calltaker)
    flag_id = _add(client, child.pk).json()["id"]
    resp = client.post_json(
        f"/api/v1/flags/{flag_id}/expire", {"version": flag_version(flag_id), "reason": " "}
    )
    assert resp.status_code == 422
    assert resp.json()["errors"] == [{"field": "reason", "message": NEED_REASON}]
    resp = client.post_json(
        f"/api/v1/flags/{flag_id}/expire",
        {"version": flag_version(flag_id), "reason": "Strategy meeting: risk has passed"},
    )
    assert resp.status_code == 200, resp.content
    assert resp.json()["current"] is False
    assert "cse_risk" not in child_section(child, timezone.now())["vulnerabilities"]
    again = client.post_json(
        f"/api/v1/flags/{flag_id}/expire", {"version": flag_version(flag_id), "reason": "twice"}
    )
    assert again.status_code == 409
    history = ChangeRecord.objects.filter(record_type="vulnerabilityflag", record_id=str(flag_id))
    assert history.filter(action="change").exists()


def test_a_stale_version_is_refused(world, api_as, child):
    client = api_as(world.calltaker)
    flag_id = _add(client, child.pk).json()["id"]
    assert (
        client.post_json(
            f"/api/v1/flags/{flag_id}/review",
            {"version": flag_version(flag_id), "review_by": _later().isoformat()},
        ).status_code
        == 200
    )
    resp = client.post_json(f"/api/v1/flags/{flag_id}/expire", {"reason": "old page", "version": 1})
    assert resp.status_code == 409
    assert VulnerabilityFlag.objects.get(pk=flag_id).expired_at is None


def test_a_partner_may_not_expire_a_flag_police_raised(world, api_as, child):
    flag_id = _add(api_as(world.calltaker), child.pk).json()["id"]
    resp = api_as(world.socialworker).post_json(
        f"/api/v1/flags/{flag_id}/expire", {"version": flag_version(flag_id), "reason": "disagree"}
    )
    assert resp.status_code == 403
    assert VulnerabilityFlag.objects.get(pk=flag_id).expired_at is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "cse-risk"}, "code"),
        ({"code": "made_up"}, "code"),
        ({"source": ""}, "source"),
        ({"review_by": "2001-01-01"}, "review_by"),
        ({"review_by": "next week"}, "review_by"),
        ({"source": "x" * 5000}, "source"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_stores_nothing(world, api_as, child, body, field):
    resp = _add(api_as(world.calltaker), child.pk, **body)
    assert resp.status_code == 422, resp.content
    assert field in [e["field"] for e in resp.json()["errors"]]
    if body.get("code") == "made_up":
        assert resp.json()["errors"][0]["message"] == UNKNOWN_CODE
    assert not VulnerabilityFlag.objects.exists()


def test_another_force_and_another_council_get_a_404(world, api_as, child):
    for user in (world.other_force_officer, world.other_socialworker):
        assert _add(api_as(user), child.pk).status_code == 404
        assert api_as(user).get_json(f"/api/v1/children/{child.pk}").status_code == 404
    flag_id = _add(api_as(world.calltaker), child.pk).json()["id"]
    resp = api_as(world.other_force_officer).post_json(
        f"/api/v1/flags/{flag_id}/expire", {"version": flag_version(flag_id), "reason": "x"}
    )
    assert resp.status_code == 404
    assert VulnerabilityFlag.objects.count() == 1


def test_a_police_only_flag_does_not_reach_partners_through_the_engines_reasons(world, api_as, child):
    from misper.episodes.tests.test_lifecycle_api import report_doc

    police = api_as(world.calltaker)
    _add(police, child.pk, code="trafficking_risk", police_only=True)
    child.ref = "C-API-1"
    child.save()
    # reported now, not half an hour ago: a flag noted today is not yet in force for a report made before midnight
    episode = police.post_json("/api/v1/episodes", report_doc(reported_at=timezone.now().isoformat())).json()
    assert "trafficking_risk" in {r["code"] for r in episode["assessment"]["reasons"]}
    shown = api_as(world.socialworker).get_json(f"/api/v1/episodes/{episode['id']}")
    assert shown.status_code == 200
    assert "trafficking" not in shown.content.decode()
