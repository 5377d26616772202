"""Out-of-area placement notices: the service, the pages, the neighbourhood list and who sees what."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client

from misper.accounts.models import AgencyKind, Role
from misper.audit.models import AccessEvent
from misper.core.errors import InvalidInput
from misper.notifications.models import Alert
from misper.partners import placements
from misper.partners.models import PlacementNotice
from misper.people.models import Child, Location
from misper.people.selectors import visible_children
from tests.factories import agency_make, user_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def host(pairs):  # type: ignore[no-untyped-def]
    """A second area: its force (with a neighbourhood officer) and its council."""
    force = agency_make(AgencyKind.POLICE_FORCE, code="host-force", name="Hostshire Police")
    council = agency_make(
        AgencyKind.LOCAL_AUTHORITY, code="host-la", name="Hostshire Council", police_area=force
    )
    officer = user_make(force, Role.INVESTIGATING_OFFICER, username="host-officer")
    worker = user_make(council, Role.PARTNER_PRACTITIONER, username="host-worker")
    return {"force": force, "council": council, "officer": officer, "worker": worker}


def _data(host: dict[str, Any], **kw: Any) -> placements.PlacementInput:
    fields: dict[str, Any] = {
        "placement_type": "residential_home",
        "place_name": "Willow Lodge",
        "address_line": "1 Synthetic Road",
        "town": "Hostbury",
        "postcode": "hb1 2cd",
        "beat": "hb07",
        "host_force_id": host["force"].pk,
        "host_authority_id": host["council"].pk,
        "starts_on": date.today(),
        "known_risks": "Targeted for county lines before the move.",
        **kw,
    }
    return placements.PlacementInput(**fields)


def _web(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


# --- the service -------------------------------------------------------------------------------------


def test_notice_for_a_child_on_file_moves_the_child_and_alerts_both_host_agencies(pairs, host):  # type: ignore[no-untyped-def]
    child = pairs.ours.child
    placing = pairs.ours.users["placing_authority"]
    assert not visible_children(host["officer"]).filter(pk=child.pk).exists()

    notice = placements.placement_notice_create(data=_data(host, child_id=child.pk), acting_user=placing)

    child.refresh_from_db()
    assert child.host_authority == host["council"]
    assert child.placement_address == notice.placement
    assert child.out_of_area is True
    assert notice.placement.postcode == "HB1 2CD"
    assert notice.placement.beat == "HB07"
    assert notice.placement.force == host["force"]
    inbox = Alert.objects.filter(event="placement.notice", channel="inbox")
    assert sorted(a.recipient_agency.code for a in inbox) == ["host-force", "host-la"]
    assert visible_children(host["officer"]).filter(pk=child.pk).exists()
    assert visible_children(host["worker"]).filter(pk=child.pk).exists()


def test_notice_for_a_child_new_to_the_area_creates_the_record(pairs, host):  # type: ignore[no-untyped-def]
    placing = pairs.ours.users["placing_authority"]
    data = _data(host, given_name="Nia", family_name="Newcomer", date_of_birth=date(2012, 4, 1))
    notice = placements.placement_notice_create(data=data, acting_user=placing)
    child = notice.child
    assert child.ref == f"PN-{child.pk:06d}"
    assert child.placing_authority == pairs.ours.agencies["placing_authority"]
    assert child.looked_after is True
    assert visible_children(placing).filter(pk=child.pk).exists()


def test_bad_notice_names_every_field_and_saves_nothing(pairs, host):  # type: ignore[no-untyped-def]
    before = (Child.objects.count(), Location.objects.count())
    data = placements.PlacementInput(
        placement_type="home",
        place_name="",
        postcode="not a postcode",
        host_force_id=host["council"].pk,  # a council is not a police force
        host_authority_id=None,
        starts_on=None,
        date_of_birth=date.today() + timedelta(days=1),
    )
    with pytest.raises(InvalidInput) as exc:
        placements.placement_notice_create(data=data, acting_user=pairs.ours.users["placing_authority"])
    fields = {e.field for e in exc.value.errors}
    assert fields == {
        "given_name", "family_name", "date_of_birth", "placement_type", "place_name", "postcode",
        "host_force", "host_authority", "starts_on",
    }  # fmt: skip
    assert (Child.objects.count(), Location.objects.count()) == before
    assert not PlacementNotice.objects.exists()
    assert not Alert.objects.exists()


def test_a_council_cannot_send_a_notice_for_another_councils_child(pairs, host):  # type: ignore[no-untyped-def]
    theirs = pairs.theirs.users["placing_authority"]
    with pytest.raises(InvalidInput) as exc:
        placements.placement_notice_create(data=_data(host, child_id=pairs.ours.child.pk), acting_user=theirs)
    assert [e.field for e in exc.value.errors] == ["child"]
    # The host authority can see the child, but it did not place it.
    with pytest.raises(InvalidInput):
        placements.placement_notice_create(
            data=_data(host, child_id=pairs.ours.child.pk), acting_user=pairs.ours.users["host_authority"]
        )
    assert not PlacementNotice.objects.exists()


def test_care_homes_and_auditors_cannot_send_notices(pairs, host):  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        placements.placement_notice_create(data=_data(host), acting_user=pairs.ours.users["care_provider"])


def test_police_name_the_placing_authority(pairs, host):  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as exc:
        placements.placement_notice_create(
            data=_data(host, child_id=pairs.ours.child.pk), acting_user=pairs.calltaker
        )
    assert [e.field for e in exc.value.errors] == ["placing_authority"]
    la = pairs.ours.agencies["placing_authority"]
    data = _data(host, child_id=pairs.ours.child.pk, placing_authority_id=la.pk)
    assert placements.placement_notice_create(data=data, acting_user=pairs.calltaker).placing_authority == la


def test_an_alert_failure_rolls_the_notice_back(pairs, host, monkeypatch):  # type: ignore[no-untyped-def]
    def broken(**kw: Any) -> None:
        raise RuntimeError("outbox down")

    monkeypatch.setattr(placements, "child_alerts_write", broken)
    with pytest.raises(RuntimeError):
        placements.placement_notice_create(
            data=_data(host, child_id=pairs.ours.child.pk), acting_user=pairs.ours.users["placing_authority"]
        )
    assert not PlacementNotice.objects.exists()
    pairs.ours.child.refresh_from_db()
    assert pairs.ours.child.host_authority == pairs.ours.agencies["host_authority"]


# --- receiving, acknowledging, the beat list ----------------------------------------------------------


def test_only_the_receiving_agencies_list_and_acknowledge_a_notice(pairs, host):  # type: ignore[no-untyped-def]
    notice = placements.placement_notice_create(
        data=_data(host, child_id=pairs.ours.child.pk), acting_user=pairs.ours.users["placing_authority"]
    )
    assert list(placements.received_notices(host["officer"])) == [notice]
    assert list(placements.received_notices(host["worker"])) == [notice]
    for outsider in (
        pairs.calltaker,
        pairs.ours.users["placing_authority"],  # the sender
        pairs.theirs.users["host_authority"],
        pairs.ours.users["care_provider"],
    ):
        assert not placements.received_notices(outsider).exists()
        with pytest.raises(Http404):
            placements.placement_notice_acknowledge(notice_id=notice.pk, acting_user=outsider)

    placements.placement_notice_acknowledge(notice_id=notice.pk, acting_user=host["worker"])
    notice.refresh_from_db()
    assert notice.authority_acknowledged_by == host["worker"]
    assert notice.acknowledged_at is None  # the force has not acknowledged yet
    council_alert = Alert.objects.get(
        event="placement.notice", channel="inbox", recipient_agency=host["council"]
    )
    force_alert = Alert.objects.get(event="placement.notice", channel="inbox", recipient_agency=host["force"])
    assert council_alert.acknowledged_at is not None
    assert force_alert.acknowledged_at is None


def test_beat_list_shows_children_in_care_homes_on_the_beat_with_known_risks(pairs, host):  # type: ignore[no-untyped-def]
    placing = pairs.ours.users["placing_authority"]
    placements.placement_notice_create(data=_data(host, child_id=pairs.ours.child.pk), acting_user=placing)
    foster = _data(
        host, placement_type="foster", given_name="Fay", family_name="Foster", date_of_birth=date(2013, 1, 1)
    )
    placements.placement_notice_create(data=foster, acting_user=placing)
    rows = placements.beat_placements(host["officer"], "hb07")
    assert [r.child for r in rows] == [pairs.ours.child]  # the foster placement is not a care home
    assert "county lines" in rows[0].notices[0].known_risks
    assert placements.beat_placements(host["officer"], "HB08") == []
    assert placements.beat_placements(host["worker"], "HB07") == []  # police only
    assert placements.force_care_home_beats(host["officer"]) == ["HB07"]


# --- the pages ----------------------------------------------------------------------------------------


def test_placement_page_sends_a_notice_and_the_host_force_acknowledges_it(pairs, host):  # type: ignore[no-untyped-def]
    client = _web(pairs.ours.users["placing_authority"])
    page = client.get("/placements/new").content.decode()
    assert pairs.ours.child.full_name in page
    assert pairs.theirs.child.full_name not in page
    form = {
        "child": str(pairs.ours.child.pk), "placement_type": "residential_home", "place_name": "Willow Lodge",
        "postcode": "HB1 2CD", "beat": "HB07", "host_force": str(host["force"].pk),
        "host_authority": str(host["council"].pk), "starts_on": date.today().isoformat(),
        "known_risks": "Runs to Manchester",
    }  # fmt: skip
    r = client.post("/placements/new", form)
    assert r.status_code == 302, r.content.decode()[:2000]
    officer = _web(host["officer"])
    listing = officer.get("/placements").content.decode()
    assert "Runs to Manchester" in listing
    notice = PlacementNotice.objects.get()
    officer.post(f"/placements/{notice.pk}/acknowledge")
    notice.refresh_from_db()
    assert notice.acknowledged_by == host["officer"]
    assert "Runs to Manchester" in officer.get("/placements/by-beat?beat=HB07").content.decode()
    assert AccessEvent.objects.filter(record_type="placement_notice", action="change").exists()


def test_placement_page_shows_field_errors_and_saves_nothing(pairs, host):  # type: ignore[no-untyped-def]
    client = _web(pairs.ours.users["placing_authority"])
    r = client.post("/placements/new", {"child": "new", "postcode": "zz"})
    page = r.content.decode()
    assert r.status_code == 200
    assert "There is a problem" in page
    for field in ("given_name", "date_of_birth", "place_name", "postcode", "host_force", "starts_on"):
        assert f'href="#id_{field}"' in page, field
    assert placements.ENTER_POSTCODE in page
    assert not PlacementNotice.objects.exists()
    assert not Child.objects.filter(ref__startswith="PN-").exists()


def test_a_child_the_council_cannot_see_is_not_offered_or_accepted(pairs, host):  # type: ignore[no-untyped-def]
    client = _web(pairs.theirs.users["placing_authority"])
    assert (
        pairs.ours.child.full_name
        not in client.get(f"/placements/new?child={pairs.ours.child.pk}").content.decode()
    )
    assert (
        "No child you can see" in client.get(f"/placements/new?ref={pairs.ours.child.ref}").content.decode()
    )
    r = client.post("/placements/new", {"child": str(pairs.ours.child.pk)})
    assert 'href="#id_child"' in r.content.decode()
    assert not PlacementNotice.objects.exists()
