"""Bad input at the edges: injection strings are stored as text and shown escaped, oversized and deeply
nested bodies and invalid UTF-8 get a clear 4xx and store nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from misper.episodes.models import Episode
from misper.episodes.tests.test_lifecycle_api import report_doc

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"
SQL = "'; DROP TABLE episodes_episode; --"


def test_injection_strings_are_stored_as_text_and_rendered_escaped(world, api_as):
    doc = report_doc(circumstances=f"{SCRIPT} {SQL}")
    doc["child"]["given_name"] = SCRIPT
    resp = api_as(world.calltaker).post_json("/api/v1/episodes", doc)
    assert resp.status_code == 201, resp.content
    episode = Episode.objects.get(pk=resp.json()["id"])
    assert episode.child.given_name == SCRIPT  # stored as typed, nothing executed
    client = Client()
    client.force_login(world.calltaker)
    for path in (f"/episodes/{episode.pk}", f"/children/{episode.child_id}"):
        html = client.get(path).content.decode()
        assert "&lt;script&gt;" in html, path
        assert SCRIPT not in html, path
    assert Episode.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "deeply nested"),
        (b'{"format": "' + b"x" * (3 * 1024 * 1024) + b'"}', "larger than the 2 MB limit"),
        (b'{"format": "misper/1", "child": {"given_name": "\xff\xfe"}}', "invalid UTF-8"),
    ],
)
def test_hostile_bodies_get_a_clear_4xx_and_store_nothing(world, api_as, body, why):
    resp = api_as(world.calltaker).post_json("/api/v1/episodes", body)
    assert 400 <= resp.status_code < 500, (why, resp.status_code)
    assert resp.json()["detail"]
    assert Episode.objects.count() == 0
