"""People and places of concern through the API: police only, linked to children, read by the engine."""

from __future__ import annotations

import pytest

from misper.audit.models import AccessEvent
from misper.episodes.models import Episode
from misper.episodes.tests.test_lifecycle_api import report_doc
from misper.people.concern import UNKNOWN_PERSON
from misper.people.models import Associate, ChildAssociate, Location
from tests.factories import child_make

pytestmark = pytest.mark.django_db
PERSON = {"given_name": "Darren", "family_name": "Example", "description": "Drives a silver van"}


@pytest.fixture
def child(world):  # type: ignore[no-untyped-def]
    return child_make(world.force, ref="C-API-1", placing_authority=world.la)


def _person(client, **body: object) -> int:  # type: ignore[no-untyped-def]
    resp = client.post_json("/api/v1/people", PERSON | body)
    assert resp.status_code == 201, resp.content
    return int(resp.json()["id"])


def _link(client, child_id: int, who: int, **body: object):  # type: ignore[no-untyped-def]
    payload = {"person_id": who, "relationship": "associate", "concern": "suspected_exploiter"}
    return client.post_json(
        f"/api/v1/children/{child_id}/associates", payload | {"source": "CSE team"} | body
    )


def test_a_child_reported_after_an_adult_of_concern_is_linked_is_graded_for_it(world, api_as, child):
    police = api_as(world.calltaker)
    first = police.post_json("/api/v1/episodes", report_doc()).json()
    assert "associate_of_concern" not in {r["code"] for r in first["assessment"]["reasons"]}
    Episode.objects.filter(pk=first["id"]).update(status="closed")
    person_id = _person(police)
    assert _link(police, child.pk, person_id).status_code == 201
    again = police.post_json("/api/v1/episodes", report_doc()).json()
    assert "associate_of_concern" in {r["code"] for r in again["assessment"]["reasons"]}


def test_the_concern_may_be_given_in_words(world, api_as, child):
    police = api_as(world.calltaker)
    resp = _link(police, child.pk, _person(police), concern="Older boyfriend", relationship="Boyfriend")
    assert resp.status_code == 201, resp.content
    link = ChildAssociate.objects.get()
    assert (link.concern, link.relationship, link.of_concern) == ("older_boyfriend", "boyfriend", True)


def test_police_see_associates_partners_never_do(world, api_as, child):
    police = api_as(world.calltaker)
    person_id = _person(police)
    _link(police, child.pk, person_id)
    detail = police.get_json(f"/api/v1/children/{child.pk}").json()
    assert [a["person_id"] for a in detail["associates"]] == [person_id]
    partner = api_as(world.socialworker)
    shown = partner.get_json(f"/api/v1/children/{child.pk}").json()
    assert "associates" not in shown
    assert "Darren" not in str(shown)
    assert partner.get_json(f"/api/v1/people/{person_id}").status_code == 403
    assert partner.post_json("/api/v1/people", PERSON).status_code == 403
    assert _link(partner, child.pk, person_id).status_code == 403
    assert Associate.objects.count() == 1
    assert ChildAssociate.objects.count() == 1


def test_every_child_linked_to_one_adult_and_the_read_is_logged(world, api_as, child):
    police = api_as(world.calltaker)
    person_id = _person(police)
    other = child_make(world.force, given_name="Second")
    elsewhere = child_make(world.other_force, given_name="Elsewhere")
    _link(police, child.pk, person_id)
    _link(police, other.pk, person_id, concern="")
    ChildAssociate.objects.create(child=elsewhere, associate_id=person_id)  # cannot happen, but must not leak
    body = police.get_json(f"/api/v1/people/{person_id}").json()
    assert sorted(c["id"] for c in body["children"]) == sorted([child.pk, other.pk])
    assert AccessEvent.objects.filter(action="view", record_type="associate").exists()


def test_a_person_in_another_force_is_a_422_on_the_field_and_a_404_on_its_page(world, api_as, child):
    theirs = _person(api_as(world.other_force_officer))
    police = api_as(world.calltaker)
    resp = _link(police, child.pk, theirs)
    assert resp.status_code == 422
    assert resp.json()["errors"] == [{"field": "person_id", "message": UNKNOWN_PERSON}]
    assert police.get_json(f"/api/v1/people/{theirs}").status_code == 404
    assert not ChildAssociate.objects.exists()


def test_linking_twice_is_a_conflict(world, api_as, child):
    police = api_as(world.calltaker)
    person_id = _person(police)
    assert _link(police, child.pk, person_id).status_code == 201
    assert _link(police, child.pk, person_id).status_code == 409


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"concern": "bad vibes"}, "concern"),
        ({"relationship": "nemesis"}, "relationship"),
        ({"reliability": "A1"}, "reliability"),
        ({"person_id": 0}, "person_id"),
        ({"person_id": "x"}, "person_id"),
    ],
)
def test_bad_link_input_is_a_422_naming_the_field(world, api_as, child, body, field):
    police = api_as(world.calltaker)
    resp = _link(police, child.pk, _person(police), **body)
    assert resp.status_code == 422, resp.content
    assert resp.json()["errors"][0]["field"] == field
    assert not ChildAssociate.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"given_name": " "}, "given_name"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"flags": ["bad_hair"]}, "flags"),
        ({"kind": "robot"}, "kind"),
    ],
)
def test_bad_person_input_is_a_422_naming_the_field(world, api_as, body, field):
    resp = api_as(world.calltaker).post_json("/api/v1/people", PERSON | body)
    assert resp.status_code == 422, resp.content
    assert resp.json()["errors"][0]["field"] == field
    assert not Associate.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"latitude": 91, "longitude": 0}, "latitude"),
        ({"latitude": 52.4, "longitude": -181}, "longitude"),
        ({"latitude": 52.4}, "longitude"),
        ({"latitude": "NaN", "longitude": 1}, "latitude"),
        ({"name": "", "town": ""}, "name"),
    ],
)
def test_places_refuse_coordinates_out_of_range(world, api_as, body, field):
    resp = api_as(world.calltaker).post_json("/api/v1/places", {"name": "Takeaway", "town": "Demo"} | body)
    assert resp.status_code == 422, resp.content
    assert resp.json()["errors"][0]["field"] == field
    assert not Location.objects.exists()


def test_a_place_of_concern_is_recorded_and_linked(world, api_as, child):
    police = api_as(world.calltaker)
    resp = police.post_json(
        "/api/v1/places", {"name": "Chicken shop", "town": "Demotown", "latitude": 52.48, "longitude": -1.9}
    )
    assert resp.status_code == 201, resp.content
    place_id = resp.json()["id"]
    linked = police.post_json(
        f"/api/v1/children/{child.pk}/places", {"place_id": place_id, "kind": "concern"}
    )
    assert linked.status_code == 201
    assert api_as(world.socialworker).post_json("/api/v1/places", {"name": "x"}).status_code == 403
    theirs = api_as(world.other_force_officer).post_json("/api/v1/places", {"name": "Theirs"}).json()["id"]
    resp = police.post_json(f"/api/v1/children/{child.pk}/places", {"place_id": theirs, "kind": "concern"})
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["field"] == "place_id"


def test_the_concern_choices_are_the_engines_vocabulary():
    from misper.people.models import Concern
    from misper.risk.vocab import ASSOCIATE_CONCERNS

    assert tuple(Concern.values) == ASSOCIATE_CONCERNS


def test_a_notice_from_the_adults_record_is_read_by_the_engine(world, api_as, child):
    from django.utils import timezone

    from misper.episodes.documents import associates_section

    police = api_as(world.calltaker)
    person_id = _person(police)
    unlinked = child_make(world.force, given_name="Unlinked")
    body = {"child_id": unlinked.pk, "issued_on": timezone.localdate().isoformat()}
    resp = police.post_json(f"/api/v1/people/{person_id}/cawns", body)
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["field"] == "child_id"
    _link(police, child.pk, person_id, concern="")
    resp = police.post_json(f"/api/v1/people/{person_id}/cawns", body | {"child_id": child.pk})
    assert resp.status_code == 201, resp.content
    assert associates_section(child, timezone.now())[0]["cawn_issued"] is True
    partner = api_as(world.socialworker).post_json(
        f"/api/v1/people/{person_id}/cawns", body | {"child_id": child.pk}
    )
    assert partner.status_code == 403
