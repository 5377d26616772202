"""Placement notices through the API (issue 19): a council sends one from its case system, the host force
acknowledges it; the page's service and access rule. The attacks are a council that did not place the
child, a care home, another force, acknowledging a notice not addressed to you, and bad values."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from misper.accounts.models import AgencyKind, Role
from misper.audit.models import AccessEvent
from misper.notifications.models import Alert
from misper.partners import placements
from misper.partners.models import PlacementNotice
from tests.factories import agency_make, user_make

pytestmark = pytest.mark.django_db
URL = "/api/v1/placements"


@pytest.fixture
def host(pairs):  # type: ignore[no-untyped-def]
    force = agency_make(AgencyKind.POLICE_FORCE, code="host-force", name="Hostshire Police")
    council = agency_make(
        AgencyKind.LOCAL_AUTHORITY, code="host-la", name="Hostshire Council", police_area=force
    )
    return {
        "force": force,
        "council": council,
        "officer": user_make(force, Role.INVESTIGATING_OFFICER, username="host-officer"),
        "worker": user_make(council, Role.PARTNER_PRACTITIONER, username="host-worker"),
    }


def _body(host, **kw):  # type: ignore[no-untyped-def]
    return {
        "placement_type": "residential_home",
        "place_name": "Willow Lodge",
        "town": "Hostbury",
        "postcode": "hb1 2cd",
        "host_force": host["force"].pk,
        "host_authority": host["council"].pk,
        "starts_on": date.today().isoformat(),
        "known_risks": "Targeted for county lines before the move.",
        **kw,
    }


def _fields(resp) -> list[str]:  # type: ignore[no-untyped-def]
    return [e["field"] for e in resp.json()["errors"]]


def _not_found(resp) -> bool:  # type: ignore[no-untyped-def]
    """The API's own 404 (the route exists; the record is not visible), not a missing route."""
    return resp.status_code == 404 and resp.json() == {"detail": "Not found.", "errors": []}


def test_the_placing_council_sends_a_notice_and_the_host_force_acknowledges_it(pairs, host, api_as):  # type: ignore[no-untyped-def]
    council = api_as(pairs.ours.users["placing_authority"])
    resp = council.post_json(URL, _body(host, child=pairs.ours.child.pk))
    assert resp.status_code == 201, resp.content
    notice = resp.json()
    assert (notice["child_id"], notice["host_force"]) == (pairs.ours.child.pk, "Hostshire Police")
    inbox = Alert.objects.filter(event="placement.notice", channel="inbox")
    assert sorted(a.recipient_agency.code for a in inbox) == ["host-force", "host-la"]
    officer = api_as(host["officer"])
    listed = officer.get_json(URL).json()
    assert [row["id"] for row in listed["items"]] == [notice["id"]]
    assert AccessEvent.objects.filter(record_type="placement_notice", action="list").exists()
    ack = officer.post_json(f"{URL}/{notice['id']}/acknowledge", {})
    assert ack.status_code == 200, ack.content
    assert PlacementNotice.objects.get().acknowledged_by == host["officer"]


def test_a_child_new_to_the_area_is_described(pairs, host, api_as):  # type: ignore[no-untyped-def]
    body = _body(host, given_name="Rowan", family_name="Newcomer", date_of_birth="2012-03-04")
    resp = api_as(pairs.ours.users["placing_authority"]).post_json(URL, body)
    assert resp.status_code == 201, resp.content
    assert resp.json()["child_ref"].startswith("PN-")


@pytest.mark.parametrize("who", ["theirs_placing", "other_force", "host_worker"])
def test_who_did_not_place_the_child_cannot_name_it(pairs, host, api_as, who):  # type: ignore[no-untyped-def]
    """The same answer whether or not the child exists elsewhere: a field error on ``child``."""
    user = {
        "theirs_placing": pairs.theirs.users["placing_authority"],
        "other_force": host["officer"],
        "host_worker": host["worker"],
    }[who]
    placing = pairs.ours.agencies["placing_authority"].pk  # the police name it; a council is itself
    resp = api_as(user).post_json(URL, _body(host, child=pairs.ours.child.pk, placing_authority=placing))
    assert resp.status_code == 422, resp.content
    assert _fields(resp) == ["child"]
    assert not PlacementNotice.objects.exists()


@pytest.mark.parametrize("role", ["care_provider", "return_interview_provider"])
def test_a_care_home_or_interview_provider_may_not_send_notices(pairs, host, api_as, role):  # type: ignore[no-untyped-def]
    resp = api_as(pairs.ours.users[role]).post_json(URL, _body(host, child=pairs.ours.child.pk))
    assert resp.status_code == 403
    assert resp.json()["detail"] == placements.NOT_ALLOWED


def test_only_a_receiving_agency_acknowledges(pairs, host, api_as):  # type: ignore[no-untyped-def]
    notice = api_as(pairs.ours.users["placing_authority"]).post_json(
        URL, _body(host, child=pairs.ours.child.pk)
    )
    url = f"{URL}/{notice.json()['id']}/acknowledge"
    other = user_make(agency_make(AgencyKind.POLICE_FORCE), Role.SUPERVISOR)
    for user in (other, pairs.theirs.users["host_authority"], pairs.ours.users["placing_authority"]):
        assert _not_found(api_as(user).post_json(url, {}))
    n = PlacementNotice.objects.get()
    assert (n.acknowledged_at, n.authority_acknowledged_at) == (None, None)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"postcode": "NOT A CODE"}, "postcode"),
        ({"placement_type": "castle"}, "placement_type"),
        ({"place_name": " "}, "place_name"),
        ({"host_force": 999_999}, "host_force"),
        ({"host_authority": 999_999}, "host_authority"),
        ({"care_provider": 999_999}, "care_provider"),
        ({"starts_on": (date.today() + timedelta(days=800)).isoformat()}, "starts_on"),
        ({"starts_on": "9999-12-31"}, "starts_on"),
        ({"child": 10**30}, "child"),
        ({"sex": "robot"}, "sex"),
        ({"known_risks": "x" * 10001}, "known_risks"),
        ({"nickname": "x"}, "nickname"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_saves_nothing(pairs, host, api_as, change, field):  # type: ignore[no-untyped-def]
    body = {**_body(host, child=pairs.ours.child.pk), **change}
    resp = api_as(pairs.ours.users["placing_authority"]).post_json(URL, body)
    assert resp.status_code == 422, resp.content
    assert field in _fields(resp), resp.json()
    assert not PlacementNotice.objects.exists()
