"""Found with, found where: a person and a place on file, which the engine, dashboard and profile read."""

from __future__ import annotations

import pytest
from django.utils import timezone

from misper.episodes.documents import history_section
from misper.episodes.models import Episode
from misper.episodes.tests.test_lifecycle_api import report_doc
from misper.people.concern import UNKNOWN_PERSON, UNKNOWN_PLACE
from tests.factories import child_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(world, api_as):  # type: ignore[no-untyped-def]
    child_make(world.force, ref="C-API-1")
    return api_as(world.calltaker).post_json("/api/v1/episodes", report_doc()).json()


def _found(client, episode: dict, **body: object):  # type: ignore[no-untyped-def]
    payload = {"found_at": timezone.now().isoformat(), "version": episode.get("version", 1)} | body
    return client.post_json(f"/api/v1/episodes/{episode['id']}/found", payload)


def test_found_with_a_person_of_concern_is_read_by_the_engine_next_time(world, api_as, reported):
    police = api_as(world.calltaker)
    person = police.post_json("/api/v1/people", {"given_name": "Lee", "family_name": "Example"}).json()
    episode = Episode.objects.get(pk=reported["id"])
    police.post_json(
        f"/api/v1/children/{episode.child_id}/associates",
        {
            "person_id": person["id"],
            "relationship": "associate",
            "concern": "suspected_exploiter",
            "source": "CSE",
        },
    )
    place = police.post_json("/api/v1/places", {"name": "Flat above the takeaway", "town": "Demotown"}).json()
    resp = _found(police, reported, found_with_person_id=person["id"], found_place_id=place["id"])
    assert resp.status_code == 200, resp.content
    episode.refresh_from_db()
    assert episode.found_with_associate_id == person["id"]
    assert episode.found_location_id == place["id"]
    assert episode.found_with == "Lee Example"
    history = history_section(episode.child, timezone.now())
    assert history[0]["found_with_adult_of_concern"] is True


@pytest.mark.parametrize("field", ["found_with_person_id", "found_place_id"])
def test_someone_elses_person_or_place_is_a_422_and_nothing_changes(world, api_as, reported, field):
    theirs = api_as(world.other_force_officer)
    ids = {
        "found_with_person_id": theirs.post_json("/api/v1/people", {"given_name": "A", "family_name": "B"}),
        "found_place_id": theirs.post_json("/api/v1/places", {"name": "Their place"}),
    }
    resp = _found(api_as(world.calltaker), reported, **{field: ids[field].json()["id"]})
    assert resp.status_code == 422
    message = UNKNOWN_PERSON if field == "found_with_person_id" else UNKNOWN_PLACE
    assert resp.json()["errors"] == [{"field": field, "message": message}]
    episode = Episode.objects.get(pk=reported["id"])
    assert episode.status == "reported"
    assert episode.found_at is None
