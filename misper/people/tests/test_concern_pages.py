"""The pages for flags, people and places of concern, links and photos: the same services as the API."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from PIL import Image

from misper.episodes.models import Episode
from misper.people.models import (
    AbductionWarningNotice,
    Associate,
    ChildAssociate,
    Location,
    VulnerabilityFlag,
)
from tests.factories import child_make, episode_make

pytestmark = pytest.mark.django_db


def client_as(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def child(world):  # type: ignore[no-untyped-def]
    return child_make(
        world.force, placing_authority=world.la, date_of_birth=timezone.localdate() - timedelta(days=365 * 14)
    )


def test_a_partner_adds_a_flag_and_police_see_where_it_came_from(world, child):
    resp = client_as(world.socialworker).post(
        f"/children/{child.pk}/flags/new",
        {"code": "cce_risk", "source": "Social worker", "notes": "Seen with older boys"},
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    page = client_as(world.calltaker).get(f"/children/{child.pk}").content.decode()
    assert "At risk of child criminal exploitation" in page or "criminal exploitation" in page.lower()
    assert world.la.name in page.replace("&#x27;", "'")


def test_a_police_only_flag_is_not_on_the_partners_page(world, child):
    client_as(world.calltaker).post(
        f"/children/{child.pk}/flags/new", {"code": "trafficking_risk", "source": "NCA", "police_only": "on"}
    )
    assert VulnerabilityFlag.objects.get().police_only
    page = client_as(world.socialworker).get(f"/children/{child.pk}").content.decode()
    assert "trafficking" not in page.lower()


def test_an_unknown_code_shows_there_is_a_problem_and_stores_nothing(world, child):
    resp = client_as(world.calltaker).post(
        f"/children/{child.pk}/flags/new", {"code": "nonsense", "source": "x"}
    )
    assert resp.status_code == 200
    assert "There is a problem" in resp.content.decode()
    assert not VulnerabilityFlag.objects.exists()


def test_expire_a_flag_with_a_reason(world, child):
    police = client_as(world.calltaker)
    police.post(f"/children/{child.pk}/flags/new", {"code": "self_harm", "source": "GP"})
    flag = VulnerabilityFlag.objects.get()
    assert police.post(f"/flags/{flag.pk}/expire", {"version": flag.version, "reason": ""}).status_code == 200
    resp = police.post(f"/flags/{flag.pk}/expire", {"version": flag.version, "reason": "CAMHS discharged"})
    assert resp.status_code == 302
    flag.refresh_from_db()
    assert flag.expired_reason == "CAMHS discharged"
    page = police.get(f"/children/{child.pk}").content.decode()
    assert "Flags no longer in force (1)" in page
    assert "CAMHS discharged" in page


def test_link_a_new_person_of_concern_then_see_every_child_and_issue_a_notice(world, child):
    police = client_as(world.calltaker)
    resp = police.post(
        f"/children/{child.pk}/associates/new",
        {
            "new_given_name": "Ryan",
            "new_family_name": "Example",
            "relationship": "associate",
            "concern": "suspected_criminal_exploiter",
            "source": "Youth worker",
            "reliability": "untested",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:3000]
    person = Associate.objects.get()
    assert ChildAssociate.objects.get().concern == "suspected_criminal_exploiter"
    page = police.get(f"/people/{person.pk}").content.decode()
    assert child.full_name in page
    resp = police.post(
        f"/people/{person.pk}",
        {"child": child.pk, "issued_on": timezone.localdate().isoformat(), "follow_up": ""},
    )
    assert resp.status_code == 302, resp.content.decode()[:3000]
    assert AbductionWarningNotice.objects.filter(child=child, associate=person).exists()


def test_partners_cannot_reach_people_or_places(world, child):
    partner = client_as(world.socialworker)
    person = Associate.objects.create(force=world.force, given_name="A", family_name="B")
    assert partner.get(f"/people/{person.pk}").status_code == 403
    assert partner.post("/places/new", {"name": "x"}).status_code == 403
    assert partner.get(f"/children/{child.pk}/associates/new").status_code == 403
    assert not Location.objects.exists()


def test_found_with_a_person_on_file_and_at_a_place_on_file(world, child):
    episode = episode_make(child, reported_at=timezone.now() - timedelta(hours=3))
    person = Associate.objects.create(force=world.force, given_name="Lee", family_name="Example")
    ChildAssociate.objects.create(
        child=child, associate=person, of_concern=True, concern="suspected_exploiter"
    )
    place = Location.objects.create(force=world.force, kind="concern", name="Flat above the takeaway")
    police = client_as(world.calltaker)
    page = police.get(f"/episodes/{episode.pk}/found").content.decode()
    assert "Lee Example (linked to this child)" in page
    resp = police.post(
        f"/episodes/{episode.pk}/found",
        {
            "version": episode.version,
            "found_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "return_method": "found_by_police",
            "found_with_person": person.pk,
            "found_place": place.pk,
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:3000]
    episode = Episode.objects.get(pk=episode.pk)
    assert (episode.found_with_associate_id, episode.found_location_id) == (person.pk, place.pk)


def test_upload_a_photo_on_the_page(world, child, tmp_path):
    out = io.BytesIO()
    Image.new("RGB", (40, 40)).save(out, "PNG")
    upload = io.BytesIO(out.getvalue())
    upload.name = "me.png"
    with override_settings(MEDIA_ROOT=tmp_path):
        resp = client_as(world.calltaker).post(f"/children/{child.pk}/photo/new", {"photo": upload})
        assert resp.status_code == 302
        bad = io.BytesIO(b"not an image")
        bad.name = "x.png"
        resp = client_as(world.calltaker).post(f"/children/{child.pk}/photo/new", {"photo": bad})
        assert "There is a problem" in resp.content.decode()


def test_places_are_listed_and_on_a_map_only_when_a_tile_server_is_set(world, child):
    from decimal import Decimal

    from misper.people.models import ChildLocation

    place = Location.objects.create(
        force=world.force,
        kind="concern",
        name="Chicken shop",
        latitude=Decimal("52.48"),
        longitude=Decimal("-1.9"),
    )
    ChildLocation.objects.create(child=child, location=place, kind="concern")
    police = client_as(world.calltaker)
    page = police.get(f"/children/{child.pk}").content.decode()
    assert "Chicken shop" in page
    assert 'id="places-map"' not in page
    assert "leaflet.js" not in page
    with override_settings(MISPER_MAP_TILES="https://tiles.example.org/{z}/{x}/{y}.png"):
        resp = police.get(f"/children/{child.pk}")
    html = resp.content.decode()
    assert 'id="places-map"' in html
    assert "leaflet.js" in html
    assert '"lat": 52.48' in html
    assert "img-src 'self' data: https://tiles.example.org" in resp["Content-Security-Policy"]
