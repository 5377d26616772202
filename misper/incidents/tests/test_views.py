"""The control room's pages: the queue of missing-person incidents without a report (closed ones flagged),
an incident's page, starting the report from it (pre-filled, the episode then shows the incident number),
adding it to the child's open episode; access attacked (other roles, a partner, another force)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from misper.accounts.models import Role
from misper.episodes.models import Episode
from misper.incidents.models import Incident
from misper.incidents.services import incident_receive
from misper.incidents.tests.factories import incident_doc
from misper.notifications.models import Alert, Subscription
from tests.factories import child_make, episode_make, risk_answers_post, user_make

pytestmark = pytest.mark.django_db


def _signed_in(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _receive(world: Any, number: str = "INC-0001", **kw: Any) -> Incident:
    return incident_receive(data=incident_doc(number, **kw), acting_user=world.calltaker).incident


def test_the_queue_flags_incidents_closed_with_no_missing_record(world):
    _receive(world, "INC-OPEN")
    _receive(world, "INC-CLOSED", closed_at=timezone.now().isoformat())
    _receive(world, "INC-THEFT", opening_code="THEFT")
    page = _signed_in(world.calltaker).get("/incidents").content.decode()
    assert "INC-OPEN" in page
    assert "INC-CLOSED" in page
    assert "INC-THEFT" not in page
    assert "1 incident closed in the control room with no missing record" in page
    assert page.index("INC-CLOSED") < page.index("INC-OPEN")  # the closed ones first
    assert "Closed in the control room with no missing record" in page


def test_starting_the_report_from_an_incident_prefills_it_and_links_the_episode(world):
    ruby = child_make(world.force, given_name="Ruby", family_name="Fenwick", date_of_birth=date(2012, 6, 1))
    Subscription.objects.create(
        agency=world.force, url="http://127.0.0.1:9/cad", secret="s" * 20, events=["incident.linked"]
    )
    incident = _receive(world)
    c = _signed_in(world.calltaker)
    page = c.get(f"/incidents/{incident.pk}").content.decode()
    start = f"/children/{ruby.pk}/report?incident={incident.pk}"
    assert start.replace("&", "&amp;") in page or start in page
    form = c.get(start).content.decode()
    assert "From incident INC-0001" in form
    assert "Sam Carter" in form
    assert "14 Mill Lane" in form
    assert "Ruby did not come home from school" in form
    opened = timezone.localtime(incident.opened_at)
    post = {
        "incident": incident.pk,
        "reporter_type": "parent",
        "reporter_name": "Sam Carter",
        "reporter_phone": "01632 960123",
        "reported_at_day": opened.day,
        "reported_at_month": opened.month,
        "reported_at_year": opened.year,
        "reported_at_time": opened.strftime("%H:%M"),
        "last_seen_at_day": opened.day,
        "last_seen_at_month": opened.month,
        "last_seen_at_year": opened.year,
        "last_seen_at_time": "00:01" if opened.strftime("%H:%M") > "00:01" else opened.strftime("%H:%M"),
        "circumstances": "Did not come home from school.",
        **risk_answers_post(),
    }
    r = c.post(f"/children/{ruby.pk}/report", post)
    assert r.status_code == 302, r.content.decode()[:2000]
    episode = Episode.objects.get(child=ruby)
    incident.refresh_from_db()
    assert (incident.episode_id, incident.link_kind) == (episode.pk, "reported")
    assert "INC-0001" in c.get(f"/episodes/{episode.pk}").content.decode()
    assert Alert.objects.filter(event="incident.linked", episode=episode).count() == 1
    assert "INC-0001" not in c.get("/incidents").content.decode()  # off the queue
    again = c.post(f"/children/{ruby.pk}/report?separate=yes", post | {"separate_reason": "again"})
    assert again.status_code == 200
    assert "already led to episode" in again.content.decode()


def test_the_control_room_adds_an_incident_to_the_childs_open_episode(world):
    ruby = child_make(world.force, given_name="Ruby", family_name="Fenwick")  # no birthday: no auto-join
    episode = episode_make(ruby)
    incident = _receive(world)
    assert incident.episode is None
    c = _signed_in(world.supervisor)
    page = c.get(f"/incidents/{incident.pk}").content.decode()
    assert f"Add this incident to episode {episode.reference}" in page
    r = c.post(f"/incidents/{incident.pk}/add", {"episode_id": episode.pk})
    assert r.status_code == 302
    assert r["Location"] == f"/episodes/{episode.pk}"
    incident.refresh_from_db()
    assert (incident.episode_id, incident.link_kind) == (episode.pk, "added")


@pytest.mark.parametrize("role", [Role.INVESTIGATING_OFFICER, Role.ANALYST])
def test_police_outside_the_control_room_are_refused(world, role):
    incident = _receive(world)
    c = _signed_in(user_make(world.force, role))
    assert c.get("/incidents").status_code == 403
    assert c.get(f"/incidents/{incident.pk}").status_code == 403


def test_a_partner_and_another_force_learn_nothing_and_attach_nothing(world):
    ruby = child_make(world.force, given_name="Ruby", family_name="Fenwick", placing_authority=world.la)
    episode = episode_make(ruby)
    incident = _receive(world)
    assert _signed_in(world.socialworker).get("/incidents").status_code == 403
    other = user_make(world.other_force, Role.SUPERVISOR)
    c = _signed_in(other)
    assert c.get(f"/incidents/{incident.pk}").status_code == 404
    assert c.post(f"/incidents/{incident.pk}/add", {"episode_id": episode.pk}).status_code == 404
    theirs = incident_receive(data=incident_doc("OTH-1"), acting_user=other).incident
    # their incident cannot be attached to our episode, nor our child's report started from it
    assert c.post(f"/incidents/{theirs.pk}/add", {"episode_id": episode.pk}).status_code == 404
    ours = _signed_in(world.calltaker)
    assert ours.get(f"/children/{ruby.pk}/report?incident={theirs.pk}").status_code == 404
    assert ours.get(f"/children/{ruby.pk}/report?incident=not-a-number").status_code == 404
    incident.refresh_from_db()
    theirs.refresh_from_db()
    assert incident.episode is None
    assert theirs.episode is None
