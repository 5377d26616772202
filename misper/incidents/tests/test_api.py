"""The incident feed over the API (docs/incidents.md): received, idempotent by force and incident number,
joining the child's open episode, queued otherwise; every access rule attacked (another force, a partner,
other police roles, no token) and bad values refused by field with nothing stored."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from misper.accounts.models import Role
from misper.episodes.models import Episode
from misper.incidents.models import Incident
from misper.incidents.tests.factories import incident_doc
from misper.notifications.models import Alert, Subscription
from tests.factories import child_make, episode_make, user_make

pytestmark = pytest.mark.django_db
URL = "/api/v1/incidents"


def _ruby(world: Any, **kw: Any) -> Any:
    return child_make(
        world.force, given_name="Ruby", family_name="Fenwick", date_of_birth=date(2012, 6, 1), **kw
    )


def test_a_missing_person_incident_with_no_open_episode_waits_and_a_replay_changes_nothing(world, api_as):
    api = api_as(world.calltaker)
    doc = incident_doc()
    first = api.post_json(URL, doc)
    assert first.status_code == 201, first.content
    body = first.json()
    assert (body["status"], body["episode"], body["missing_person"]) == ("awaiting_report", None, True)
    again = api.post_json(URL, doc)
    assert again.status_code == 200
    assert again.json() == body  # the same response, byte for byte in content
    reordered = json.dumps(dict(reversed(list(doc.items()))))
    assert api.post_json(URL, reordered).json() == body
    assert Incident.objects.count() == 1
    assert Incident.objects.get().version == 1
    queue = api.get_json(URL, without_episode="true").json()
    assert [i["incident_number"] for i in queue["items"]] == ["INC-0001"]


def test_a_changed_body_for_the_same_number_is_an_update(world, api_as):
    api = api_as(world.calltaker)
    doc = incident_doc()
    api.post_json(URL, doc)
    closed = doc | {"closed_at": timezone.now().isoformat(), "free_text": "Closed: caller rang back."}
    r = api.post_json(URL, closed)
    assert r.status_code == 200
    assert (r.json()["version"], r.json()["status"]) == (2, "closed_without_report")
    assert Incident.objects.get().free_text == "Closed: caller rang back."


def test_an_incident_naming_a_child_with_an_open_episode_joins_it(world, api_as, settings):
    child = _ruby(world)
    open_episode = episode_make(child)
    api = api_as(world.calltaker)
    r = api.post_json(URL, incident_doc("INC-0002", subject={"child_ref": child.ref}))
    assert r.status_code == 201, r.content
    assert r.json()["episode"] == {"id": open_episode.pk, "reference": open_episode.reference}
    assert (r.json()["status"], r.json()["link"]) == ("linked", "joined")
    assert Episode.objects.filter(child=child).count() == 1  # one open episode per child: no second one
    detail = api_as(world.supervisor).get_json(f"/api/v1/episodes/{open_episode.pk}").json()
    assert detail["incident_numbers"] == ["INC-0002"]
    # by name and date of birth too, when exactly one child of the force matches
    r = api.post_json(URL, incident_doc("INC-0003"))
    assert r.json()["episode"]["id"] == open_episode.pk
    assert sorted(Incident.objects.filter(episode=open_episode).values_list("number", flat=True)) == [
        "INC-0002",
        "INC-0003",
    ]


def test_two_children_with_the_same_name_and_birthday_are_never_guessed_between(world, api_as):
    episode_make(_ruby(world))
    episode_make(_ruby(world))
    r = api_as(world.calltaker).post_json(URL, incident_doc())
    assert (r.json()["status"], r.json()["episode"]) == ("awaiting_report", None)


def test_the_caller_system_hears_the_episode_by_webhook_and_partners_do_not(world, api_as):
    child = _ruby(world, placing_authority=world.la, looked_after=True)
    episode = episode_make(child)
    mine = Subscription.objects.create(
        agency=world.force, url="http://127.0.0.1:9/cad", secret="s" * 20, events=["incident.linked"]
    )
    Subscription.objects.create(
        agency=world.la, url="http://127.0.0.1:9/la", secret="s" * 20, events=["incident.linked"]
    )
    api_as(world.calltaker).post_json(URL, incident_doc(subject={"child_ref": child.ref}))
    alerts = list(Alert.objects.filter(event="incident.linked"))
    assert [a.subscription_id for a in alerts] == [mine.pk]
    p = alerts[0].payload
    assert (p["incident_number"], p["episode_reference"], p["episode_id"]) == (
        "INC-0001",
        episode.reference,
        episode.pk,
    )
    api_as(world.calltaker).post_json(URL, incident_doc(subject={"child_ref": child.ref}))
    assert Alert.objects.filter(event="incident.linked").count() == 1  # a replay: no second delivery


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"opening_code": "MISPERSON"}, "opening_code"),
        ({"opening_code": ""}, "opening_code"),
        ({"free_text": "x" * 20_001}, "free_text"),
        ({"incident_number": "INC 1; DROP"}, "incident_number"),
        ({"incident_number": "I" * 41}, "incident_number"),
        ({"opened_at": "2026-12-01T10:00:00"}, "opened_at"),  # no time zone
        ({"opened_at": "yesterday"}, "opened_at"),
        ({"opened_at": (timezone.now() + timedelta(days=2)).isoformat()}, "opened_at"),
        ({"closed_at": "2000-01-01T00:00:00Z"}, "closed_at"),
        ({"caller": {"relationship": "cousin"}}, "caller.relationship"),
        ({"caller": {"name": "n" * 101}}, "caller.name"),
        ({"subject": {"date_of_birth": "2012-13-45"}}, "subject.date_of_birth"),
        ({"subject": {"child_ref": ["C-1"]}}, "subject.child_ref"),
        ({"priority": "urgent"}, "priority"),
    ],
)
def test_bad_values_are_422s_naming_the_field_and_store_nothing(world, api_as, change, field):
    r = api_as(world.calltaker).post_json(URL, incident_doc(**change))
    assert r.status_code == 422, r.content
    assert field in {e["field"] for e in r.json()["errors"]}, r.json()
    assert not Incident.objects.exists()


def test_a_huge_body_and_a_body_that_is_not_json_are_refused(world, api_as):
    api = api_as(world.calltaker)
    assert api.post_json(URL, incident_doc(free_text="x" * 3_000_000)).status_code in (413, 422)
    assert api.post_json(URL, "{not json").status_code in (400, 422)
    assert not Incident.objects.exists()


@pytest.mark.parametrize("role", [Role.INVESTIGATING_OFFICER, Role.ANALYST, Role.COORDINATOR])
def test_police_roles_outside_the_control_room_cannot_post(world, api_as, role):
    r = api_as(user_make(world.force, role)).post_json(URL, incident_doc())
    assert r.status_code == 403
    assert not Incident.objects.exists()


def test_a_partner_cannot_post_or_read_incidents(world, api_as):
    api_as(world.calltaker).post_json(URL, incident_doc())
    partner = api_as(world.socialworker)
    assert partner.post_json(URL, incident_doc("INC-9")).status_code == 403
    assert partner.get_json(URL).status_code == 403
    assert partner.get_json(f"{URL}/{Incident.objects.get().pk}").status_code == 403
    assert api_as(None).post_json(URL, incident_doc("INC-9")).status_code == 401
    assert Incident.objects.count() == 1


def test_another_force_cannot_read_overwrite_or_attach_to_this_forces_incidents_or_episodes(world, api_as):
    child = _ruby(world)
    ours_episode = episode_make(child)
    ours = api_as(world.calltaker).post_json(URL, incident_doc("INC-7", subject={})).json()
    intruder = user_make(world.other_force, Role.CALL_HANDLER)
    api = api_as(intruder)
    assert api.get_json(f"{URL}/{ours['id']}").status_code == 404
    assert api.get_json(URL).json()["count"] == 0
    # the same number from another force is that force's own incident: ours is untouched
    theirs = api.post_json(
        URL, incident_doc("INC-7", free_text="Overwritten?", subject={"child_ref": child.ref})
    )
    assert theirs.status_code == 201
    assert theirs.json()["id"] != ours["id"]
    assert Incident.objects.get(pk=ours["id"]).free_text.startswith("Ruby did not")
    # naming our child's reference (or name and birthday) never attaches to our episode
    assert theirs.json()["episode"] is None
    named = api.post_json(URL, incident_doc("INC-8")).json()
    assert named["episode"] is None
    assert not ours_episode.incidents.exists()
    assert api.get_json(f"/api/v1/episodes/{ours_episode.pk}").status_code == 404


def test_the_api_adds_a_waiting_incident_to_an_open_episode_once_and_never_across_forces(world, api_as):
    child = child_make(world.force, given_name="Ruby", family_name="Fenwick")  # another birthday: it waits
    episode = episode_make(child)
    waiting = api_as(world.calltaker).post_json(URL, incident_doc()).json()
    assert waiting["episode"] is None
    link = f"{URL}/{waiting['id']}/episode"
    other = api_as(user_make(world.other_force, Role.SUPERVISOR))
    assert other.post_json(link, {"episode_id": episode.pk}).status_code == 404
    theirs = other.post_json(URL, incident_doc("OTH-2")).json()
    assert other.post_json(f"{URL}/{theirs['id']}/episode", {"episode_id": episode.pk}).status_code == 404
    assert api_as(world.socialworker).post_json(link, {"episode_id": episode.pk}).status_code == 403
    assert api_as(world.supervisor).post_json(link, {"episode_id": "x"}).status_code == 422
    assert not episode.incidents.exists()
    done = api_as(world.supervisor).post_json(link, {"episode_id": episode.pk})
    assert done.status_code == 200, done.content
    assert (done.json()["episode"]["reference"], done.json()["link"]) == (episode.reference, "added")
    assert api_as(world.supervisor).post_json(link, {"episode_id": episode.pk}).status_code == 409
