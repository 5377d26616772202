from __future__ import annotations

import pytest

from tests.factories import child_make, episode_make

pytestmark = pytest.mark.django_db


def test_health_needs_no_token(api_as):
    resp = api_as(None).get_json("/api/v1/health")
    assert resp.status_code == 200
    assert resp.json() == {"status": "ok", "database": "ok"}


def test_health_is_503_when_the_database_cannot_be_reached(api_as, monkeypatch):
    from django.db import OperationalError, connection

    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", down)
    resp = api_as(None).get_json("/api/v1/health")
    assert resp.status_code == 503
    assert resp.json() == {"status": "unavailable", "database": "unavailable"}


def test_episode_list_needs_a_token(api_as):
    resp = api_as(None).get_json("/api/v1/episodes")
    assert resp.status_code == 401
    assert "Bearer" in resp.json()["detail"]


def test_episode_list_rejects_a_wrong_token(api_as):
    client = api_as(None)
    client.token = "msp_not-a-real-token"
    assert client.get_json("/api/v1/episodes").status_code == 401


def test_episode_list_counts_and_pages_only_visible_episodes(world, api_as):
    mine = child_make(world.force)
    theirs = child_make(world.other_force)
    for _ in range(3):
        episode_make(mine)
    episode_make(theirs)
    body = api_as(world.supervisor).get_json("/api/v1/episodes", limit=2, offset=0).json()
    assert body["count"] == 3
    assert len(body["items"]) == 2
    assert {i["child"]["ref"] for i in body["items"]} == {mine.ref}
    assert api_as(world.other_force_officer).get_json("/api/v1/episodes").json()["count"] == 1


def test_partner_sees_only_children_their_agency_is_responsible_for(world, api_as):
    placed = child_make(world.force, looked_after=True, placing_authority=world.la)
    hosted = child_make(world.force, looked_after=True, host_authority=world.la)
    unrelated = child_make(world.force)
    for c in (placed, hosted, unrelated):
        episode_make(c)
    refs = {
        i["child"]["ref"] for i in api_as(world.socialworker).get_json("/api/v1/episodes").json()["items"]
    }
    assert refs == {placed.ref, hosted.ref}
    assert api_as(world.other_socialworker).get_json("/api/v1/episodes").json()["count"] == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "many"}, "limit"),
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
        ({"limit": 501}, "limit"),
    ],
)
def test_bad_paging_is_a_field_level_422(world, api_as, params, field):
    resp = api_as(world.supervisor).get_json("/api/v1/episodes", **params)
    assert resp.status_code == 422
    assert [e["field"] for e in resp.json()["errors"]] == [field]


def test_openapi_document_is_published(api_as):
    resp = api_as(None).get_json("/api/v1/openapi.json")
    assert resp.status_code == 200
    assert "/api/v1/episodes" in resp.json()["paths"]
