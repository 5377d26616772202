"""Every consultation of child data writes an access event, in the same transaction as the action."""

from __future__ import annotations

import re

import pytest
from django.db import DatabaseError
from django.test import Client

from misper.accounts.services import api_token_create
from misper.accounts.tests import route_matrix as M  # noqa: N812  (M.OK, M.WEB read as a table)
from misper.accounts.tests.matrix_world import matrix_world_build
from misper.accounts.tests.test_permission_matrix import _fill
from misper.audit.models import AccessEvent
from misper.audit.services import audit_chain_verify
from misper.episodes.models import Episode
from misper.episodes.tests.test_lifecycle_api import report_doc
from misper.people.models import Child

pytestmark = pytest.mark.django_db

# Pages that list or show children without an id in their URL.
LIST_PAGES = {"", "board", "board/fragment"}
_CHILD_PARAM = re.compile(r"<int:(child_id|episode_id)>|\{(child_id|episode_id)\}")
# No photo in the world (a 404 before any read); an open episode's "closed" page redirects to the episode.
NOT_CHILD_DATA = {"children/<int:child_id>/photo", "episodes/<int:episode_id>/closed"}


def _child_data_gets() -> list[str]:
    return sorted(
        route
        for route, spec in M.WEB.items()
        if spec.method == "GET"
        and spec.outcome("supervisor") == M.OK
        and (route in LIST_PAGES or _CHILD_PARAM.search(route))
        and route not in NOT_CHILD_DATA
    )


def test_every_child_data_page_and_api_read_writes_an_event():
    w = matrix_world_build()
    client = Client()
    client.force_login(w.users["supervisor"])
    token = api_token_create(user=w.users["supervisor"])
    unlogged = []
    for route in _child_data_gets():
        resp = client.get(_fill(route, w), headers={"X-Request-Id": f"rq-{route}"})
        assert resp.status_code == 200, route
        if not AccessEvent.objects.filter(request_id=f"rq-{route}"[:64]).exists():
            unlogged.append(route)
    for op in ("GET /api/v1/episodes", "GET /api/v1/episodes/{episode_id}"):
        before = AccessEvent.objects.count()
        resp = client.get(_fill(op.split(" ")[1], w), headers={"Authorization": f"Bearer {token}"})
        assert resp.status_code == 200
        if AccessEvent.objects.count() == before:
            unlogged.append(op)
    assert not unlogged, f"Child data read without an access event: {unlogged}"
    assert audit_chain_verify() == []


def test_if_the_log_cannot_be_written_the_report_is_not_saved(world, api_as, monkeypatch):
    def refuse(*args, **kwargs):
        raise DatabaseError("disk full")

    client = api_as(world.calltaker)  # issuing its token is logged too: before the disk fills
    monkeypatch.setattr(AccessEvent, "save", refuse)
    resp = client.post_json("/api/v1/episodes", report_doc())
    assert resp.status_code == 500
    assert "Traceback" not in resp.content.decode()
    assert Episode.objects.count() == 0
    assert Child.objects.count() == 0


def test_if_the_log_cannot_be_written_the_page_shows_nothing(world, monkeypatch):
    from tests.factories import child_make

    child = child_make(world.force)
    client = Client(raise_request_exception=False)
    client.force_login(world.calltaker)
    monkeypatch.setattr(AccessEvent, "save", lambda *a, **k: (_ for _ in ()).throw(DatabaseError("x")))
    resp = client.get(f"/children/{child.pk}")
    assert resp.status_code == 500
    assert child.family_name not in resp.content.decode()
