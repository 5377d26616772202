"""Panels and meetings through the API (issue 19): the panel pages' services and access rules. The attacks
are a call handler recording a meeting, a child the recorder cannot see, another council or force reading
or completing, a council completing another agency's action, and bad values."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from misper.accounts.models import Role
from misper.audit.models import AccessEvent
from misper.partners import panels
from misper.partners.models import Meeting, MeetingAction
from tests.factories import child_make, episode_make, user_make

pytestmark = pytest.mark.django_db
URL = "/api/v1/panels/meetings"
TODAY = date.today()


@pytest.fixture
def child(world):  # type: ignore[no-untyped-def]
    return child_make(world.force, looked_after=True, placing_authority=world.la)


def _body(world, child, **kw):  # type: ignore[no-untyped-def]
    return {
        "kind": "panel",
        "held_on": TODAY.isoformat(),
        "children": [child.pk],
        "attendees": ["Sam Okafor, Testshire Children's Services", "DS Lee, Testshire Police"],
        "decisions": "Refer to the exploitation hub.",
        "actions": [{"text": "Visit the home", "owner_agency": world.la.pk, "due_on": TODAY.isoformat()}],
        **kw,
    }


def _fields(resp) -> list[str]:  # type: ignore[no-untyped-def]
    return [e["field"] for e in resp.json()["errors"]]


def test_a_supervisor_records_a_meeting_and_the_council_completes_its_action(world, api_as, child):  # type: ignore[no-untyped-def]
    resp = api_as(world.supervisor).post_json(URL, _body(world, child))
    assert resp.status_code == 201, resp.content
    meeting = resp.json()
    council = api_as(world.socialworker)
    read = council.get_json(f"{URL}/{meeting['id']}")
    assert read.status_code == 200
    assert [c["id"] for c in read.json()["children"]] == [child.pk]
    action = meeting["actions"][0]
    done = council.post_json(f"{URL}/{meeting['id']}/actions/{action['id']}/done", {})
    assert done.status_code == 200, done.content
    assert done.json()["actions"][0]["completed_on"] == TODAY.isoformat()


def test_a_call_handler_may_not_record_a_meeting(world, api_as, child):  # type: ignore[no-untyped-def]
    resp = api_as(world.calltaker).post_json(URL, _body(world, child))
    assert (resp.status_code, resp.json()["detail"]) == (403, panels.NOT_ALLOWED)
    assert not Meeting.objects.exists()


def test_a_child_of_another_force_is_a_field_error(world, api_as, child):  # type: ignore[no-untyped-def]
    theirs = child_make(world.other_force)
    resp = api_as(world.supervisor).post_json(URL, _body(world, child, children=[child.pk, theirs.pk]))
    assert (resp.status_code, _fields(resp)) == (422, ["children"])


@pytest.mark.parametrize("who", ["other_socialworker", "other_force_officer"])
def test_another_council_or_force_cannot_read_or_complete(world, api_as, child, who):  # type: ignore[no-untyped-def]
    meeting = api_as(world.supervisor).post_json(URL, _body(world, child)).json()
    client = api_as(getattr(world, who))
    assert client.get_json(f"{URL}/{meeting['id']}").status_code == 404
    action = meeting["actions"][0]["id"]
    assert client.post_json(f"{URL}/{meeting['id']}/actions/{action}/done", {}).status_code == 404
    assert MeetingAction.objects.get().completed_on is None


def test_a_council_may_not_complete_another_agencys_action(world, api_as, child):  # type: ignore[no-untyped-def]
    actions = [{"text": "Check the station", "owner_agency": world.force.pk, "due_on": TODAY.isoformat()}]
    meeting = api_as(world.supervisor).post_json(URL, _body(world, child, actions=actions)).json()
    action = meeting["actions"][0]["id"]
    resp = api_as(world.socialworker).post_json(f"{URL}/{meeting['id']}/actions/{action}/done", {})
    assert (resp.status_code, resp.json()["detail"]) == (403, panels.NOT_OWNER)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "party"}, "kind"),
        ({"held_on": (TODAY + timedelta(days=1)).isoformat()}, "held_on"),
        ({"children": []}, "children"),
        ({"attendees": ["Nobody with no agency"]}, "attendees"),
        ({"decisions": " "}, "decisions"),
        ({"actions": [{"text": "Visit", "due_on": TODAY.isoformat()}]}, "actions[0].owner_agency"),
        ({"actions": [{"text": "Visit", "owner_agency": 999_999}]}, "actions[0].due_on"),
        ({"actions": [{"text": "x" * 301}]}, "actions[0].text"),
        ({"children": [10**30]}, "children[0]"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(world, api_as, child, change, field):  # type: ignore[no-untyped-def]
    resp = api_as(world.supervisor).post_json(URL, _body(world, child, **change))
    assert resp.status_code == 422, resp.content
    assert field in _fields(resp), resp.json()
    assert not Meeting.objects.exists()


def test_the_panel_list_is_the_pages_and_is_logged(world, api_as, child):  # type: ignore[no-untyped-def]
    episode_make(child, reported_at=timezone.now() - timedelta(days=3), risk="high")
    meeting = api_as(world.supervisor).post_json(URL, _body(world, child)).json()
    for user in (world.supervisor, world.socialworker):
        body = api_as(user).get_json("/api/v1/panels").json()
        assert [r["child_id"] for r in body["children"]] == [child.pk]
        assert [m["id"] for m in body["meetings"]] == [meeting["id"]]
    assert AccessEvent.objects.filter(action="list", record_type="child", username="socialworker").exists()
    other = api_as(world.other_socialworker).get_json("/api/v1/panels").json()
    assert (other["children"], other["meetings"]) == ([], [])
    auditor = user_make(world.force, Role.AUDITOR, username="panel-auditor")
    assert api_as(auditor).get_json("/api/v1/panels").status_code == 403
