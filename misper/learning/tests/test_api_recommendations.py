"""The recommendations tracker through the API (issue 19): the tracker pages' services and access rule.
The attacks are another force's tracker, a reader writing, a role that may not read, a duplicate
reference, an unsafe evidence link and bad values."""

from __future__ import annotations

import pytest

from misper.accounts.models import Role
from misper.learning.models import EvidenceLink, Recommendation
from tests.factories import user_make

pytestmark = pytest.mark.django_db
URL = "/api/v1/recommendations"
REC = {"source": "HMIC 2016", "reference": "R3", "kind": "recommendation", "text": "Brief officers daily."}


def _not_found(resp) -> bool:  # type: ignore[no-untyped-def]
    return resp.status_code == 404 and resp.json()["detail"] == "Not found."


def test_a_supervisor_keeps_the_tracker(world, api_as):  # type: ignore[no-untyped-def]
    client = api_as(world.supervisor)
    rec = client.post_json(URL, REC)
    assert rec.status_code == 201, rec.content
    rid = rec.json()["id"]
    changed = client.post_json(f"{URL}/{rid}", {**REC, "status": "in_progress", "owner": "Chief Inspector"})
    assert changed.json()["status"] == "in_progress"
    action = client.post_json(f"{URL}/{rid}/actions", {"text": "Write the briefing", "owner": "DI Lee"})
    aid = action.json()["actions"][0]["id"]
    done = client.post_json(f"{URL}/{rid}/actions/{aid}", {"text": "Write the briefing", "status": "done"})
    assert done.json()["actions"][0]["status"] == "done"
    assert client.post_json(f"{URL}/{rid}/updates", {"text": "Briefings started"}).status_code == 201
    evidence = client.post_json(f"{URL}/{rid}/evidence", {"label": "Feedback", "url": "/learning/feedback"})
    assert evidence.status_code == 201, evidence.content
    read = api_as(world.analyst).get_json(f"{URL}/{rid}").json()
    assert (len(read["updates"]), read["evidence"][0]["url"]) == (1, "/learning/feedback")


def test_a_reader_may_not_write_and_a_call_handler_may_not_read(world, api_as):  # type: ignore[no-untyped-def]
    rid = api_as(world.supervisor).post_json(URL, REC).json()["id"]
    assert api_as(world.analyst).post_json(f"{URL}/{rid}", {**REC, "text": "Changed"}).status_code == 403
    assert api_as(world.analyst).post_json(URL, {**REC, "reference": "R4"}).status_code == 403
    assert api_as(world.calltaker).get_json(f"{URL}/{rid}").status_code == 403
    assert Recommendation.objects.get().text == REC["text"]


def test_another_forces_tracker_is_a_404(world, api_as):  # type: ignore[no-untyped-def]
    rid = api_as(world.supervisor).post_json(URL, REC).json()["id"]
    other = api_as(user_make(world.other_force, Role.SUPERVISOR, username="other-sup"))
    assert _not_found(other.get_json(f"{URL}/{rid}"))
    assert _not_found(other.post_json(f"{URL}/{rid}", {**REC, "text": "Changed"}))
    assert _not_found(other.post_json(f"{URL}/{rid}/updates", {"text": "x"}))
    assert Recommendation.objects.get().text == REC["text"]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("", {**REC, "kind": "wish"}, "kind"),
        ("", {**REC, "reference": "x" * 41}, "reference"),
        ("", {**REC, "due_on": "31/3/2027"}, "due_on"),
        ("/{rid}/evidence", {"label": "Bad", "url": "javascript:alert(1)"}, "url"),
        ("/{rid}/evidence", {"label": "Bad", "url": "http://example.org"}, "url"),
        ("/{rid}/actions", {"text": "x", "status": "abandoned"}, "status"),
        ("/{rid}/updates", {"text": "x", "by": "me"}, "by"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(world, api_as, path, body, field):  # type: ignore[no-untyped-def]
    client = api_as(world.supervisor)
    rid = client.post_json(URL, {**REC, "reference": "R9"}).json()["id"]
    resp = client.post_json(URL + path.format(rid=rid), body)
    assert resp.status_code == 422, resp.content
    assert field in [e["field"] for e in resp.json()["errors"]]
    assert not EvidenceLink.objects.exists()


def test_a_duplicate_reference_is_a_422(world, api_as):  # type: ignore[no-untyped-def]
    client = api_as(world.supervisor)
    client.post_json(URL, REC)
    resp = client.post_json(URL, REC)
    assert resp.status_code == 422
    assert Recommendation.objects.count() == 1
