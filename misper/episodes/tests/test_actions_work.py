"""Actions as work: add, assign and reassign, complete, cancel with a reason (services, API, pages); search
actions closed when the child is found; the safe-and-well and referral actions finished when done."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from misper.accounts.models import Role
from misper.episodes.models import Action, ActionStatus
from misper.episodes.services import episode_close, episode_found, safe_and_well_record
from misper.episodes.tests.test_lifecycle_api import report_doc
from misper.partners.models import ReturnInterview
from tests.factories import action_version, child_make, episode_make, episode_version, user_make

pytestmark = pytest.mark.django_db


def _v(episode_id: int) -> int:
    from misper.episodes.models import Episode

    return Episode.objects.get(pk=episode_id).version


@pytest.fixture
def reported(world, api_as):
    """A looked-after child reported through the API: engine, standard and trigger-plan actions."""
    child_make(world.force, ref="C-ACT-1", looked_after=True, placing_authority=world.la)
    body = api_as(world.calltaker).post_json("/api/v1/episodes", report_doc("C-ACT-1")).json()
    return body["id"]


def test_an_officer_adds_assigns_reassigns_and_cancels_an_action_through_the_api(world, api_as, reported):
    officer = user_make(world.force, Role.INVESTIGATING_OFFICER, username="pc-jones")
    client = api_as(world.supervisor)
    added = client.post_json(
        f"/api/v1/episodes/{reported}/actions",
        {"title": "Speak to the taxi firm on Mill Lane", "assigned_to": "pc-jones"},
    )
    assert added.status_code == 201, added.json()
    a = added.json()
    assert (a["source"], a["assigned_to"], a["status"]) == ("manual", "pc-jones", "open")
    back = client.post_json(
        f"/api/v1/episodes/{reported}/actions/{a['id']}/assign",
        {"assigned_to": None, "version": a["version"]},
    )
    assert back.json()["assigned_to"] == world.supervisor.username
    stale = client.post_json(
        f"/api/v1/episodes/{reported}/actions/{a['id']}/cancel",
        {"reason": "Duplicate", "version": a["version"]},
    )
    assert stale.status_code == 409
    done = client.post_json(
        f"/api/v1/episodes/{reported}/actions/{a['id']}/cancel",
        {"reason": "The taxi firm rang us first", "version": back.json()["version"]},
    )
    assert (done.json()["status"], done.json()["outcome"]) == ("cancelled", "The taxi firm rang us first")
    assert Action.objects.get(pk=a["id"]).created_by == world.supervisor
    assert officer.pk


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "Ring school", "assigned_to": "otherofficer"}, "assigned_to"),  # another force's officer
        ({"title": "Ring school", "assigned_to": "socialworker"}, "assigned_to"),  # a partner
        ({"title": "Ring school", "assigned_to": "nobody-at-all"}, "assigned_to"),
        ({"title": "Ring school", "due_at": "2999-01-01T00:00:00Z"}, "due_at"),
        ({"title": "Ring school", "colour": "red"}, "colour"),
    ],
)
def test_a_bad_action_is_a_422_naming_the_field_and_nothing_is_saved(world, api_as, reported, body, field):
    before = Action.objects.count()
    resp = api_as(world.supervisor).post_json(f"/api/v1/episodes/{reported}/actions", body)
    assert resp.status_code == 422
    assert [e["field"] for e in resp.json()["errors"]] == [field]
    assert Action.objects.count() == before


def test_another_force_and_a_partner_cannot_touch_the_actions(world, api_as, reported):
    action = Action.objects.filter(episode_id=reported).first()
    url = f"/api/v1/episodes/{reported}/actions/{action.pk}/cancel"
    body = {"reason": "Not ours", "version": action.version}
    assert api_as(world.other_force_officer).post_json(url, body).status_code == 404
    assert api_as(world.socialworker).post_json(url, body).status_code == 403
    add = api_as(world.other_force_officer).post_json(f"/api/v1/episodes/{reported}/actions", {"title": "x"})
    assert add.status_code == 404
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


def test_an_action_of_another_episode_is_a_404_not_a_back_door(world, api_as, reported):
    other = episode_make(child_make(world.force))
    stranger = Action.objects.create(episode=other, code="x", title="Another episode's action")
    resp = api_as(world.supervisor).post_json(
        f"/api/v1/episodes/{reported}/actions/{stranger.pk}/complete", {"outcome": "Done", "version": 1}
    )
    assert resp.status_code == 404


def test_assigning_to_another_forces_officer_is_refused_by_the_service(world, reported):
    from misper.core.errors import InvalidInput
    from misper.episodes.services_work import action_assign

    action = Action.objects.filter(episode_id=reported).first()
    with pytest.raises(InvalidInput):
        action_assign(
            action_id=action.pk,
            acting_user=world.supervisor,
            assignee=world.other_force_officer,
            expected_version=action_version(action.pk),
        )


def test_finding_the_child_closes_search_actions_with_the_reason_and_the_to_do_count_shows_what_is_left(
    world, reported
):
    episode_found(
        episode_id=reported,
        acting_user=world.supervisor,
        found_at=timezone.now(),
        expected_version=episode_version(reported),
    )
    search = Action.objects.filter(episode_id=reported, source__in=["standard", "trigger_plan"])
    assert search.exists()
    assert set(search.values_list("status", flat=True)) == {ActionStatus.NOT_NEEDED}
    assert all("was found on" in a.outcome for a in search)
    referral = Action.objects.filter(episode_id=reported, code="return_interview_referral")
    assert set(referral.values_list("status", flat=True)) <= {ActionStatus.DONE}
    safe_and_well_record(
        episode_id=reported,
        acting_user=world.supervisor,
        data={"child_account": "Fine"},
        expected_version=episode_version(reported),
    )
    assert not Action.objects.filter(
        episode_id=reported, code="safe_and_well_check", status=ActionStatus.OPEN
    ).exists()
    client = Client()
    client.force_login(world.supervisor)
    page = client.get(f"/episodes/{reported}").content.decode()
    left = Action.objects.filter(episode_id=reported, status=ActionStatus.OPEN).count()
    assert f"To do ({left})" in page
    assert "Found, not yet closed" in page
    assert "Missing, " not in page.split("<h1")[1].split("</p>")[0]


def test_the_return_interview_is_referred_when_the_child_is_found_due_72_hours_after_the_return(
    world, reported
):
    found_at = timezone.now() - timedelta(minutes=10)
    episode_found(
        episode_id=reported,
        acting_user=world.supervisor,
        found_at=found_at,
        expected_version=episode_version(reported),
    )
    interview = ReturnInterview.objects.get(episode_id=reported)
    assert interview.due_at == found_at + timedelta(hours=72)
    assert interview.responsible_agency == world.la
    safe_and_well_record(
        episode_id=reported,
        acting_user=world.supervisor,
        data={"child_account": "Fine"},
        expected_version=episode_version(reported),
    )
    outcome = episode_close(
        episode_id=reported, acting_user=world.supervisor, expected_version=episode_version(reported)
    )
    assert outcome.return_interview.pk == interview.pk  # closing does not refer a second time
    assert ReturnInterview.objects.filter(episode_id=reported).count() == 1


def test_a_partner_cannot_open_the_action_pages(world, reported):
    action = Action.objects.filter(episode_id=reported).first()
    client = Client()
    client.force_login(world.socialworker)
    for url in (
        f"/episodes/{reported}/actions/{action.pk}/done",
        f"/episodes/{reported}/actions/{action.pk}/cancel",
        f"/episodes/{reported}/actions/{action.pk}/reassign",
        f"/episodes/{reported}/actions/new",
    ):
        resp = client.get(url)
        assert resp.status_code == 403, url
        assert action.title not in resp.content.decode()


def test_the_pages_add_reassign_and_cancel_an_action(world, reported):
    officer = user_make(world.force, Role.INVESTIGATING_OFFICER)
    client = Client()
    client.force_login(world.supervisor)
    resp = client.post(f"/episodes/{reported}/actions/new", {"title": "", "assigned_to": ""})
    assert "Enter what needs to be done" in resp.content.decode()
    resp = client.post(
        f"/episodes/{reported}/actions/new", {"title": "Visit the skate park", "assigned_to": officer.pk}
    )
    assert resp.status_code == 302
    action = Action.objects.get(episode_id=reported, title="Visit the skate park")
    assert action.assigned_to == officer
    resp = client.post(
        f"/episodes/{reported}/actions/{action.pk}/reassign",
        {"assigned_to": world.other_force_officer.pk, "action_version": action.version},
    )
    assert "Choose an officer in your force" in resp.content.decode()
    resp = client.post(
        f"/episodes/{reported}/actions/{action.pk}/cancel", {"reason": "", "action_version": action.version}
    )
    assert "Say why this action is no longer needed" in resp.content.decode()
    client.post(
        f"/episodes/{reported}/actions/{action.pk}/cancel",
        {"reason": "Park is closed for works", "action_version": action.version},
    )
    action.refresh_from_db()
    assert (action.status, action.outcome) == ("cancelled", "Park is closed for works")
