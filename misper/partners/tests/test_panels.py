"""Multi-agency panels: the panel list and its figures, meeting records, actions, and who sees them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.utils import timezone

from misper.accounts.models import Role
from misper.core.errors import InvalidInput
from misper.partners import panels
from misper.partners.models import Meeting, MeetingAction, TriggerPlan
from tests.factories import episode_make, user_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(pairs):  # type: ignore[no-untyped-def]
    return user_make(pairs.force, Role.COORDINATOR, username="pair-coordinator")


def _web(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def _meeting_data(pairs: Any, child_ids: list[int], **kw: Any) -> panels.MeetingInput:
    fields: dict[str, Any] = {
        "kind": "panel",
        "held_on": date.today(),
        "child_ids": child_ids,
        "attendee_lines": ["DS Rowe, Pairshire Police", "Sam Okafor, ours placing council"],
        "decisions": "Refer to the exploitation hub.",
        "actions": [
            panels.ActionInput("Visit the home", pairs.ours.agencies["placing_authority"].pk, date.today()),
            panels.ActionInput("", None, None),
        ],
        **kw,
    }
    return panels.MeetingInput(**fields)


# --- the panel list ----------------------------------------------------------------------------------


def test_panel_list_holds_high_risk_and_repeat_children_with_their_figures(pairs):  # type: ignore[no-untyped-def]
    now = timezone.now()
    ours, theirs = pairs.ours.child, pairs.theirs.child
    episode_make(ours, reported_at=now - timedelta(days=3), risk="high")
    for days in (10, 40, 70):
        episode_make(theirs, reported_at=now - timedelta(days=days), risk="low")
    TriggerPlan.objects.create(
        child=theirs, minimum_risk="medium", agreed_by="x", agreed_on=date.today() - timedelta(days=60),
        review_on=date.today() - timedelta(days=1),
    )  # fmt: skip

    rows = {r.child: r for r in panels.panel_list(pairs.calltaker, now)}

    assert set(rows) == {ours, theirs}
    assert (rows[ours].high_risk, rows[ours].highest_grade, rows[ours].plan_status) == (
        True,
        "high",
        "No trigger plan",
    )
    # theirs: 3 episodes made here + the pair's closed one = 4 in 90 days, all low or ungraded
    assert (rows[theirs].repeat, rows[theirs].episodes_90d) == (True, 4)
    assert rows[theirs].plan_status == panels.PLAN_REVIEW_DUE
    assert rows[ours].interview_status == "Referred"  # the pair's interview is referred, not yet due


def test_panel_list_leaves_out_children_with_nothing_recent(pairs):  # type: ignore[no-untyped-def]
    now = timezone.now()
    # repeat (with the pair's episode 2 days ago), but nothing in the month before now + 35 days
    for days in (5, 10, 20):
        episode_make(pairs.ours.child, reported_at=now - timedelta(days=days), risk="high")
    assert [r.child for r in panels.panel_list(pairs.calltaker, now + timedelta(days=35))] == []


def test_a_partner_panel_list_holds_only_its_own_children(pairs):  # type: ignore[no-untyped-def]
    now = timezone.now()
    episode_make(pairs.ours.child, reported_at=now - timedelta(days=3), risk="high")
    episode_make(pairs.theirs.child, reported_at=now - timedelta(days=3), risk="high")
    partner = pairs.ours.users["care_provider"]
    assert [r.child for r in panels.panel_list(partner, now)] == [pairs.ours.child]


# --- meetings ----------------------------------------------------------------------------------------


def test_meeting_is_recorded_with_attendees_and_actions(pairs, coordinator):  # type: ignore[no-untyped-def]
    meeting = panels.meeting_create(data=_meeting_data(pairs, [pairs.ours.child.pk]), acting_user=coordinator)
    assert meeting.attendees[1] == {"name": "Sam Okafor", "agency": "ours placing council"}
    assert list(meeting.children.all()) == [pairs.ours.child]
    assert [a.text for a in meeting.actions.all()] == ["Visit the home"]  # the empty row is skipped


def test_only_coordinators_and_supervisors_record_meetings(pairs):  # type: ignore[no-untyped-def]
    for user in (pairs.calltaker, pairs.ours.users["placing_authority"]):
        with pytest.raises(PermissionDenied):
            panels.meeting_create(data=_meeting_data(pairs, [pairs.ours.child.pk]), acting_user=user)
    assert not Meeting.objects.exists()


def test_bad_meeting_names_every_field_and_saves_nothing(pairs, coordinator):  # type: ignore[no-untyped-def]
    data = _meeting_data(
        pairs,
        [],
        kind="tea",
        held_on=date.today() + timedelta(days=2),
        attendee_lines=["Only a name"],
        decisions=" ",
        actions=[panels.ActionInput("Visit", None, date.today() - timedelta(days=1))],
    )
    with pytest.raises(InvalidInput) as exc:
        panels.meeting_create(data=data, acting_user=coordinator)
    errors = {e.field: e.message for e in exc.value.errors}
    assert set(errors) == {
        "kind",
        "held_on",
        "children",
        "attendees",
        "decisions",
        "action_owner_0",
        "action_due_0",
    }
    assert errors["action_due_0"] == panels.ACTION_DUE_AFTER
    assert errors["attendees"] == panels.ATTENDEE_FORMAT.format(n=1)
    assert not Meeting.objects.exists()
    assert not MeetingAction.objects.exists()


def test_a_partner_sees_a_meeting_only_when_it_sees_every_child_discussed(pairs, coordinator):  # type: ignore[no-untyped-def]
    ours_only = panels.meeting_create(
        data=_meeting_data(pairs, [pairs.ours.child.pk]), acting_user=coordinator
    )
    both = panels.meeting_create(
        data=_meeting_data(pairs, [pairs.ours.child.pk, pairs.theirs.child.pk]), acting_user=coordinator
    )
    ours_partner, theirs_partner = pairs.ours.users["host_authority"], pairs.theirs.users["host_authority"]
    assert list(panels.visible_meetings(ours_partner)) == [ours_only]
    assert not panels.visible_meetings(theirs_partner).exists()
    assert set(panels.visible_meetings(pairs.calltaker)) == {ours_only, both}
    for meeting in (ours_only, both):
        with pytest.raises(Http404):
            panels.access_meeting_by_id(theirs_partner, meeting.pk)
    with pytest.raises(Http404):
        panels.access_meeting_by_id(ours_partner, both.pk)


def test_actions_are_marked_done_by_the_owner_or_police(pairs, coordinator):  # type: ignore[no-untyped-def]
    meeting = panels.meeting_create(data=_meeting_data(pairs, [pairs.ours.child.pk]), acting_user=coordinator)
    action = meeting.actions.get()
    with pytest.raises(PermissionDenied):  # sees the meeting, does not own the action
        panels.meeting_action_complete(
            meeting_id=meeting.pk, action_id=action.pk, acting_user=pairs.ours.users["care_provider"]
        )
    done = panels.meeting_action_complete(
        meeting_id=meeting.pk, action_id=action.pk, acting_user=pairs.ours.users["placing_authority"]
    )
    assert done.completed_on == timezone.localdate()
    assert done.completed_by == pairs.ours.users["placing_authority"]


# --- the pages ----------------------------------------------------------------------------------------


def test_meeting_pages_record_show_and_complete(pairs, coordinator):  # type: ignore[no-untyped-def]
    episode_make(pairs.ours.child, reported_at=timezone.now() - timedelta(days=2), risk="high")
    client = _web(coordinator)
    panel = client.get("/panels").content.decode()
    assert 'data-testid="panel-list"' in panel
    assert pairs.ours.child.full_name in panel
    form = client.get(f"/panels/meetings/new?child={pairs.ours.child.pk}").content.decode()
    assert f'value="{pairs.ours.child.pk}" checked' in form
    post = {
        "kind": "strategy", "held_on": date.today().isoformat(), "children": [str(pairs.ours.child.pk)],
        "attendees": "DS Rowe, Pairshire Police", "decisions": "Safety plan agreed.",
        "action_text_0": "Check the home at night",
        "action_owner_0": str(pairs.ours.agencies["care_provider"].pk),
        "action_due_0": (date.today() + timedelta(days=7)).isoformat(),
    }  # fmt: skip
    r = client.post("/panels/meetings/new", post)
    assert r.status_code == 302, r.content.decode()[:3000]
    meeting = Meeting.objects.get()
    home = _web(pairs.ours.users["care_provider"])
    page = home.get(f"/panels/meetings/{meeting.pk}").content.decode()
    assert "Safety plan agreed." in page
    assert "Mark done" in page
    action = meeting.actions.get()
    home.post(f"/panels/meetings/{meeting.pk}/actions/{action.pk}/done")
    action.refresh_from_db()
    assert action.completed_on is not None
    assert _web(pairs.theirs.users["care_provider"]).get(f"/panels/meetings/{meeting.pk}").status_code == 404


def test_meeting_page_shows_field_errors_and_saves_nothing(pairs, coordinator):  # type: ignore[no-untyped-def]
    r = _web(coordinator).post(
        "/panels/meetings/new",
        {
            "kind": "panel",
            "held_on": date.today().isoformat(),
            "action_text_0": "Visit",
            "action_due_0": "soon",
        },
    )
    page = r.content.decode()
    assert "There is a problem" in page
    for field in ("children", "attendees", "decisions", "action_owner_0", "action_due_0"):
        assert f'href="#id_{field}"' in page, field
    assert not Meeting.objects.exists()
