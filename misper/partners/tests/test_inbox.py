"""The personal inbox: alerts addressed to a person (grading approved or rejected, handover, child found)
on their own list, naming the child; force-wide alerts on the force's list; each event once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from misper.accounts.models import Role
from misper.episodes.models import ApprovalStatus, RiskAssessment
from misper.episodes.services import assessment_decide, episode_found
from misper.notifications.alerts import alerts_for_event
from misper.notifications.models import Alert
from misper.notifications.selectors import alert_inbox_page, unacknowledged_count
from misper.notifications.sweep import alerts_sweep
from tests.factories import child_make, episode_make, user_make

pytestmark = pytest.mark.django_db


def _pending(episode, grader):  # type: ignore[no-untyped-def]
    return RiskAssessment.objects.create(
        episode=episode,
        created_at=timezone.now(),
        created_by=grader,
        policy_name="national",
        policy_version="1",
        inputs={},
        result={},
        recommended_category="missing",
        recommended_risk="high",
        immediacy="high",
        seriousness="high",
        graded_category="missing",
        graded_risk="low",
        under_graded=True,
        approval_status=ApprovalStatus.PENDING,
    )


def test_a_rejected_grading_tells_the_call_handler_by_name_with_the_reason(world):
    child = child_make(world.force, given_name="Caitlin", family_name="Smith")
    episode = episode_make(child, risk="high")
    assessment = _pending(episode, world.calltaker)
    assessment_decide(
        assessment_id=assessment.pk,
        approve=False,
        note="Trigger plan says high",
        acting_user=world.supervisor,
        expected_version=episode.version,
    )
    mine, agency = alert_inbox_page(world.calltaker)
    assert [(a.event, a.payload["note"]) for a in mine] == [("grading.rejected", "Trigger plan says high")]
    assert not [a for a in agency if a.event.startswith("grading.")]
    assert alert_inbox_page(world.supervisor)[0] == []  # nobody else's inbox
    client = Client()
    client.force_login(world.calltaker)
    page = client.get("/alerts").content.decode()
    section = page.split('id="for-you"')[1].split('id="for-agency"')[0]
    assert "A supervisor rejected your grading" in section
    assert "Caitlin Smith" in section
    assert child.ref not in section


def test_a_high_risk_event_shows_once_and_one_acknowledgement_clears_it(world):
    episode = episode_make(child_make(world.force), risk="high")
    alerts_for_event(event="episode.reported", episode=episode)
    assert Alert.objects.filter(recipient_agency=world.force, channel="inbox").count() == 2  # force, CSE team
    _mine, agency = alert_inbox_page(world.supervisor)
    assert [a.event for a in agency] == ["episode.reported"]
    assert unacknowledged_count(world.supervisor) == 1
    client = Client()
    client.force_login(world.supervisor)
    client.post(f"/alerts/{agency[0].pk}/acknowledge")
    assert unacknowledged_count(world.supervisor) == 0


def test_the_owner_is_told_when_their_child_is_found_and_no_one_else_personally(world):
    owner = user_make(world.force, Role.INVESTIGATING_OFFICER)
    episode = episode_make(child_make(world.force, placing_authority=world.la), owner=owner)
    episode_found(
        episode_id=episode.pk, acting_user=world.supervisor, found_at=timezone.now(), expected_version=1
    )
    assert [a.event for a in alert_inbox_page(owner)[0]] == ["episode.found_yours"]
    assert alert_inbox_page(world.calltaker)[0] == []
    assert alert_inbox_page(world.socialworker)[0] == []
    assert not Alert.objects.filter(event="episode.found_yours").exclude(channel="inbox").exists()


def test_my_cases_lists_what_i_own_or_must_do_and_not_other_forces(world):
    from misper.episodes.models import Action

    officer = user_make(world.force, Role.INVESTIGATING_OFFICER)
    owned = episode_make(child_make(world.force, given_name="Owned", family_name="Case"), owner=officer)
    tasked = episode_make(child_make(world.force, given_name="Tasked", family_name="Case"))
    Action.objects.create(episode=tasked, code="manual", title="Ring school", assigned_to=officer)
    episode_make(
        child_make(world.force, given_name="Closed", family_name="Case"), owner=officer, status="closed"
    )
    episode_make(child_make(world.other_force, given_name="Elsewhere", family_name="Case"), owner=officer)
    client = Client()
    client.force_login(officer)
    page = client.get("/").content.decode()
    mine = page.split('id="my-cases"')[1].split("Missing now")[0]
    assert "Owned Case" in mine
    assert "Tasked Case" in mine
    assert "Closed Case" not in mine
    assert "Elsewhere Case" not in mine
    assert owned.reference in mine


# --- review due: queued by the sweep, once per scheduled review, to the owner's own inbox ----------------


def test_a_review_due_tells_the_owner_once_naming_the_child(world):
    owner = user_make(world.force, Role.INVESTIGATING_OFFICER)
    now = timezone.now()
    child = child_make(world.force, given_name="Rhiannon", family_name="Price", placing_authority=world.la)
    episode = episode_make(child, owner=owner, status="active", next_review_at=now - timedelta(minutes=5))
    episode_make(child_make(world.force), owner=owner, next_review_at=now + timedelta(hours=1))  # not yet due
    assert alerts_sweep(now=now)["episode.review_due"] == 1
    assert alerts_sweep(now=now)["episode.review_due"] == 0  # the sweep again: nothing new
    assert alerts_sweep(now=now + timedelta(minutes=1))["episode.review_due"] == 0
    mine, agency = alert_inbox_page(owner)
    assert [(a.event, a.episode_id) for a in mine] == [("episode.review_due", episode.pk)]
    assert not [a for a in agency if a.event == "episode.review_due"]
    assert Alert.objects.filter(event="episode.review_due").count() == 1  # in-app only: no e-mail, no webhook
    assert alert_inbox_page(world.supervisor)[0] == []
    assert alert_inbox_page(world.socialworker)[0] == []
    client = Client()
    client.force_login(owner)
    page = client.get("/alerts").content.decode()
    section = page.split('id="for-you"')[1].split('id="for-agency"')[0]
    assert "Your case: a review is due" in section
    assert "Rhiannon Price" in section
    assert child.ref not in section


def test_a_review_scheduled_again_is_due_again(world):
    owner = user_make(world.force, Role.INVESTIGATING_OFFICER)
    now = timezone.now()
    episode = episode_make(child_make(world.force), owner=owner, next_review_at=now - timedelta(minutes=5))
    assert alerts_sweep(now=now)["episode.review_due"] == 1
    episode.next_review_at = now + timedelta(minutes=30)  # reviewed: the next one is in half an hour
    episode.save(update_fields=["next_review_at"])
    assert alerts_sweep(now=now + timedelta(minutes=10))["episode.review_due"] == 0
    assert alerts_sweep(now=timezone.now() + timedelta(minutes=31))["episode.review_due"] == 1
    assert len(alert_inbox_page(owner)[0]) == 2


def test_no_review_due_alert_for_a_closed_or_found_episode_an_unowned_one_or_another_force(world):
    owner = user_make(world.force, Role.INVESTIGATING_OFFICER)
    past = timezone.now() - timedelta(hours=1)
    episode_make(child_make(world.force), owner=owner, status="closed", next_review_at=past)
    episode_make(child_make(world.force), owner=owner, status="found", next_review_at=past)
    episode_make(child_make(world.force), next_review_at=past)  # nobody owns it: the board flags it
    # An owner from another force on this force's episode (never made by the app) is not told either.
    episode_make(child_make(world.force), owner=world.other_force_officer, next_review_at=past)
    other = episode_make(child_make(world.other_force), owner=world.other_force_officer, next_review_at=past)
    assert alerts_sweep()["episode.review_due"] == 1
    assert [a.episode_id for a in alert_inbox_page(world.other_force_officer)[0]] == [other.pk]
    assert alert_inbox_page(owner)[0] == []
    assert not Alert.objects.filter(event="episode.review_due", recipient_agency=world.force).exists()
