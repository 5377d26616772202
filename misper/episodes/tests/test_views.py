"""The episode pages through Django's test client: the journey, access, bad input, concurrency, the board."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from misper import risk
from misper.accounts.models import Role
from misper.episodes.forms import INDICATOR_QUESTIONS
from misper.episodes.models import Action, ApprovalStatus, Episode, Review, RiskAssessment, SafeAndWellCheck
from misper.episodes.reasons import evidence_words
from misper.episodes.services import episode_found
from misper.partners.models import ReturnInterview, TriggerPlan
from misper.people.models import VulnerabilityFlag
from tests.factories import (
    child_make,
    decided_episode_version,
    episode_make,
    episode_version,
    risk_answers_post,
    user_make,
)

pytestmark = pytest.mark.django_db


def client_as(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def flagged_child(world):
    child = child_make(
        world.force, given_name="Caitlin", family_name="Smith", looked_after=True, placing_authority=world.la
    )
    VulnerabilityFlag.objects.create(
        child=child, code="cse_risk", noted_on=timezone.now().date() - timedelta(days=30)
    )
    TriggerPlan.objects.create(
        child=child,
        minimum_risk="high",
        actions=["Call the CSE team on 0000"],
        agreed_by="Strategy meeting",
        agreed_on=timezone.now().date() - timedelta(days=10),
    )
    return child


@pytest.fixture
def plain_child(world):
    """In care, 15, no flag and no trigger plan: no floor that binds people, so the report form's
    "out of character" gives medium and a lower grade waits for a supervisor (see test_floors.py)."""
    return child_make(
        world.force, given_name="Poppy", family_name="Jones", looked_after=True, placing_authority=world.la
    )


def local(dt: datetime) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def report_form(**overrides) -> dict:
    now = timezone.now()
    data = {
        "reporter_type": "care_home",
        "reporter_name": "Night manager",
        "reporter_phone": "01632 960000",
        "reported_at": local(now - timedelta(minutes=10)),
        "last_seen_at": local(now - timedelta(hours=2)),
        "from_place": "Oak House",
        "from_town": "Demoton",
        "from_postcode": "dm1 1aa",
        "from_beat": "DM01",
        "circumstances": "Left after tea with an older man in a taxi.",
        **risk_answers_post(yes=("out_of_character",)),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def report(world, child) -> Episode:
    resp = client_as(world.calltaker).post(f"/children/{child.pk}/report", report_form())
    assert resp.status_code == 302, resp.content.decode()[:2000]
    return Episode.objects.filter(child=child).latest("pk")


# --- report ---------------------------------------------------------------------------------------------


def test_every_indicator_is_asked_as_a_question():
    assert set(risk.INDICATORS) <= set(INDICATOR_QUESTIONS)
    assert all(q.endswith("?") for q in INDICATOR_QUESTIONS.values())


def test_report_page_asks_every_risk_question(world, flagged_child):
    resp = client_as(world.calltaker).get(f"/children/{flagged_child.pk}/report")
    assert resp.status_code == 200
    html = resp.content.decode()
    for code in risk.INDICATORS:  # each a yes / no / not known question
        for answer in ("yes", "no", "not_known"):
            assert f'name="answer_{code}" type="radio" value="{answer}"' in html
    assert 'type="checkbox"' not in html  # never a tick-if-yes box: "no" and "not known" would look the same
    assert 'type="datetime-local"' not in html  # the GOV.UK date input, never the browser's picker
    for part in ("day", "month", "year", "time"):
        assert f'name="reported_at_{part}"' in html


def test_report_creates_episode_and_shows_recommendation_with_reasons(world, flagged_child):
    episode = report(world, flagged_child)
    assert episode.risk == "high"
    assert episode.missing_from.postcode == "DM1 1AA"
    assert episode.beat == "DM01"
    assert episode.reporter_name == "Night manager"
    assert episode.indicators == ["out_of_character"]
    resp = client_as(world.calltaker).get(f"/episodes/{episode.pk}/grade")
    html = resp.content.decode()
    assert "The recommendation is missing, high risk" in html
    assert "trigger plan" in html.lower()
    assert "At risk of child sexual exploitation" in html  # the reason, in words
    assert "child.vulnerabilities includes" not in html  # never the engine's field path
    assert "older man" in html  # the suggestion quotes what it matched


def test_report_bad_input_shows_errors_keeps_values_saves_nothing(world, flagged_child):
    now = timezone.now()
    data = report_form(
        circumstances="",
        reporter_type=None,
        last_seen_at=local(now + timedelta(hours=1)),
        reported_at=local(now - timedelta(minutes=5)),
        from_place="Oak House, kept",
    )
    resp = client_as(world.calltaker).post(f"/children/{flagged_child.pk}/report", data)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "There is a problem" in html
    assert "<title>Error: " in html
    assert "Describe what happened" in html
    assert "Select who is reporting the child missing" in html
    assert "The time last seen must be before the time of the report" in html
    assert 'href="#id_reporter_type"' in html
    assert 'id="id_reporter_type"' in html
    assert "Oak House, kept" in html
    assert 'name="answer_out_of_character" type="radio" value="yes" checked' in html
    assert not Episode.objects.exists()


def test_report_refuses_a_time_the_clocks_skipped(world, flagged_child):
    data = report_form(reported_at="2025-03-30T01:30", last_seen_at="2025-03-30T00:15")
    resp = client_as(world.calltaker).post(f"/children/{flagged_child.pk}/report", data)
    assert resp.status_code == 200
    assert "The clocks changed at that time" in resp.content.decode()
    assert not Episode.objects.exists()


@pytest.mark.parametrize(
    ("typed", "stored_utc", "shown"),
    [
        ("2025-03-30T00:30", datetime(2025, 3, 30, 0, 30, tzinfo=UTC), "30 Mar 2025 00:30 GMT"),
        ("2025-03-30T02:30", datetime(2025, 3, 30, 1, 30, tzinfo=UTC), "30 Mar 2025 02:30 BST"),
        ("2025-10-26T00:30", datetime(2025, 10, 25, 23, 30, tzinfo=UTC), "26 Oct 2025 00:30 BST"),
        ("2025-10-26T03:00", datetime(2025, 10, 26, 3, 0, tzinfo=UTC), "26 Oct 2025 03:00 GMT"),
    ],
)
def test_times_entered_in_uk_time_are_stored_utc_and_shown_uk_across_clock_changes(
    world, flagged_child, typed, stored_utc, shown
):
    last_seen = (timezone.localtime(stored_utc) - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    data = report_form(reported_at=typed, last_seen_at=last_seen)
    resp = client_as(world.calltaker).post(f"/children/{flagged_child.pk}/report", data)
    assert resp.status_code == 302, resp.content.decode()[:3000]
    episode = Episode.objects.get()
    assert episode.reported_at == stored_utc
    html = client_as(world.calltaker).get(f"/episodes/{episode.pk}").content.decode()
    assert shown in html


def test_report_is_police_only_and_per_force(world, flagged_child):
    assert client_as(world.other_force_officer).get(f"/children/{flagged_child.pk}/report").status_code == 404
    resp = client_as(world.other_force_officer).post(f"/children/{flagged_child.pk}/report", report_form())
    assert resp.status_code == 404
    assert client_as(world.socialworker).get(f"/children/{flagged_child.pk}/report").status_code == 403
    assert not Episode.objects.exists()


def test_pages_need_sign_in(world, flagged_child):
    resp = Client().get(f"/children/{flagged_child.pk}/report")
    assert resp.status_code == 302
    assert resp["Location"].startswith("/sign-in")


# --- grade ------------------------------------------------------------------------------------------------


def test_grading_below_recommendation_needs_rationale_then_goes_to_supervisor(world, plain_child):
    episode = report(world, plain_child)
    assert episode.risk == "medium"
    c = client_as(world.calltaker)
    form = {"version": episode.version, "category": "missing", "risk": "low", "rationale": ""}
    resp = c.post(f"/episodes/{episode.pk}/grade", form)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "There is a problem" in html
    assert 'href="#id_rationale"' in html
    assert "Explain why you are grading below the recommendation" in html
    assert 'value="low" checked' in html
    assert RiskAssessment.objects.filter(episode=episode).count() == 1

    form["rationale"] = "Carer has spoken to her on the phone."
    resp = c.post(f"/episodes/{episode.pk}/grade", form, follow=True)
    assert "sent to a supervisor for approval" in resp.content.decode()
    pending = RiskAssessment.objects.get(episode=episode, approval_status=ApprovalStatus.PENDING)
    assert pending.graded_risk == "low"
    episode.refresh_from_db()
    assert episode.risk == "medium"


def test_confirming_the_recommendation_records_nothing_new(world, flagged_child):
    episode = report(world, flagged_child)
    form = {"version": episode.version, "category": "missing", "risk": "high", "rationale": ""}
    resp = client_as(world.calltaker).post(f"/episodes/{episode.pk}/grade", form, follow=True)
    assert "Grade confirmed" in resp.content.decode()
    assert RiskAssessment.objects.filter(episode=episode).count() == 1


def test_stale_grading_shows_what_changed_and_keeps_values(world, flagged_child):
    episode = report(world, flagged_child)
    opened = timezone.now() - timedelta(seconds=1)
    client_as(world.supervisor).post(
        f"/episodes/{episode.pk}/review",
        {
            "version": episode.version,
            "notes": "Checked.",
            "regrade": "no",
            "category": "missing",
            "risk": "high",
        },
    )
    form = {
        "version": episode.version,
        "opened_at": opened.isoformat(),
        "category": "missing",
        "risk": "medium",
        "rationale": "My stale reason",
    }
    resp = client_as(world.calltaker).post(f"/episodes/{episode.pk}/grade", form)
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "Someone else changed this episode" in html
    assert "Reviewed by a supervisor" in html
    assert "My stale reason" in html
    episode.refresh_from_db()
    assert f'name="version" value="{episode.version}"' in html
    assert RiskAssessment.objects.filter(episode=episode).count() == 1


# --- the episode page, actions, handover, review ------------------------------------------------------------


def test_episode_page_shows_cards_and_is_per_force(world, flagged_child):
    episode = report(world, flagged_child)
    html = client_as(world.calltaker).get(f"/episodes/{episode.pk}").content.decode()
    for text in (
        "Report",
        "Grade",
        "Actions",
        "Reviews",
        "Status history",
        "Record found",
        "Call the CSE team",
    ):
        assert text in html
    assert client_as(world.other_force_officer).get(f"/episodes/{episode.pk}").status_code == 404
    assert client_as(world.other_socialworker).get(f"/episodes/{episode.pk}").status_code == 404
    partner = client_as(world.socialworker).get(f"/episodes/{episode.pk}").content.decode()
    assert "Record found" not in partner
    assert client_as(world.socialworker).get(f"/episodes/{episode.pk}/found").status_code == 403


def test_assign_and_finish_an_action(world, flagged_child):
    episode = report(world, flagged_child)
    action = episode.actions.filter(status="open").first()
    c = client_as(world.calltaker)
    c.post(f"/episodes/{episode.pk}/actions/{action.pk}/assign", {"action_version": action.version})
    action.refresh_from_db()
    assert action.assigned_to == world.calltaker
    resp = c.post(
        f"/episodes/{episode.pk}/actions/{action.pk}/done",
        {"action_version": action.version, "status": "done", "outcome": ""},
    )
    assert "Enter the outcome" in resp.content.decode()
    c.post(
        f"/episodes/{episode.pk}/actions/{action.pk}/done",
        {"action_version": action.version, "status": "done", "outcome": "Room searched, nothing found."},
    )
    action.refresh_from_db()
    assert (action.status, action.outcome) == ("done", "Room searched, nothing found.")


def test_handover_keeps_history(world, flagged_child):
    episode = report(world, flagged_child)
    officer = user_make(world.force, Role.INVESTIGATING_OFFICER)
    officer.first_name, officer.last_name = "Dana", "Nightshift"
    officer.save()
    c = client_as(world.calltaker)
    resp = c.post(
        f"/episodes/{episode.pk}/handover", {"version": episode.version, "new_owner": officer.pk, "note": ""}
    )
    assert "Enter a handover note" in resp.content.decode()
    resp = c.post(
        f"/episodes/{episode.pk}/handover",
        {"version": episode.version, "new_owner": officer.pk, "note": "CCTV requested; chase at 9."},
        follow=True,
    )
    assert "Handed over to Dana Nightshift" in resp.content.decode()
    episode.refresh_from_db()
    assert episode.owner == officer
    record = Action.objects.get(episode=episode, source="handover")
    assert record.outcome == "CCTV requested; chase at 9."
    assert record.assigned_to == officer


def test_review_sets_next_review_and_can_regrade(world, plain_child):
    episode = report(world, plain_child)
    c = client_as(world.supervisor)
    page = c.get(f"/episodes/{episode.pk}/review").content.decode()
    assert "What the risk engine says now" in page
    form = {"version": episode.version, "notes": "", "regrade": "yes", "category": "missing", "risk": "low"}
    resp = c.post(f"/episodes/{episode.pk}/review", form)
    html = resp.content.decode()
    assert "Enter your review notes" in html
    assert not Review.objects.exists()
    form["notes"] = "Seen on CCTV with friends."
    resp = c.post(f"/episodes/{episode.pk}/review", form)
    assert "Explain why you are grading below" in resp.content.decode()
    assert not Review.objects.exists()
    form["rationale"] = "With school friends, location known."
    resp = c.post(f"/episodes/{episode.pk}/review", form, follow=True)
    assert "Review recorded" in resp.content.decode()
    review = Review.objects.get(episode=episode)
    assert review.regraded
    assert review.assessment.approval_status == ApprovalStatus.PENDING
    episode.refresh_from_db()
    assert episode.status == "active"
    assert episode.next_review_at == review.next_review_at
    assert client_as(world.calltaker).get(f"/episodes/{episode.pk}/review").status_code == 403


# --- found, safe and well, close ------------------------------------------------------------------------------


def test_found_safe_and_well_close(world, flagged_child):
    episode = report(world, flagged_child)
    c = client_as(world.calltaker)
    now = timezone.now()
    resp = c.post(
        f"/episodes/{episode.pk}/found",
        {
            "version": episode.version,
            "found_at": local(now),
            "return_method": "found_by_police",
            "town": "Demoton",
        },
    )
    assert resp.status_code == 302
    episode.refresh_from_db()
    assert episode.status == "found"

    resp = c.post(f"/episodes/{episode.pk}/close", {"version": episode.version, "summary": ""})
    html = resp.content.decode()
    assert "There is a problem" in html
    assert "cannot be closed yet: record a safe-and-well check" in html
    episode.refresh_from_db()
    assert episode.status == "found"

    sw = {
        "version": episode.version,
        "conducted_at": local(timezone.now()),
        "child_account": "I went to my friend's flat.",
        "harm_disclosed": "no",
        "returned_to": "same_place",
        "safe_to_return": "yes",
        "child_wishes": "To stay at Oak House.",
    }
    resp = c.post(f"/episodes/{episode.pk}/safe-and-well", sw)
    assert resp.status_code == 302, resp.content.decode()[:3000]
    episode.refresh_from_db()
    resp = c.post(
        f"/episodes/{episode.pk}/close", {"version": episode.version, "summary": "Back safe."}, follow=True
    )
    html = resp.content.decode()
    ri = ReturnInterview.objects.get(episode=episode)
    assert ri.due_at == episode.found_at + timedelta(hours=72)
    assert "Episode closed" in html
    assert timezone.localtime(ri.due_at).strftime("%-d %B %Y %H:%M") in html


def test_safe_and_well_refuses_returned_home_without_safety_decision_when_harm_suspected(
    world, flagged_child
):
    VulnerabilityFlag.objects.create(
        # on file a week before the report, so the test holds whatever the time of day (a flag noted "today"
        # is not yet in force for a report made ten minutes ago, before midnight)
        child=flagged_child,
        code="domestic_abuse_at_home",
        noted_on=timezone.now().date() - timedelta(days=7),
    )
    episode = report(world, flagged_child)
    found_at = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=1)
    episode = episode_found(
        episode_id=episode.pk,
        acting_user=world.calltaker,
        found_at=found_at,
        expected_version=episode_version(episode.pk),
    )
    c = client_as(world.calltaker)
    page = c.get(f"/episodes/{episode.pk}/safe-and-well").content.decode()
    assert "Harm at home is suspected" in page
    sw = {
        "version": episode.version,
        "conducted_at": local(timezone.now()),
        "child_account": "Words in her own words.",
        "harm_disclosed": "no",
        "returned_to": "same_place",
        "safe_to_return": "unknown",
    }
    resp = c.post(f"/episodes/{episode.pk}/safe-and-well", sw)
    html = resp.content.decode()
    assert 'href="#id_safety_decision"' in html
    assert "Words in her own words." in html
    assert not SafeAndWellCheck.objects.exists()
    sw["safety_decision"] = "DS Patel spoke to mum; dad has moved out."
    resp = c.post(f"/episodes/{episode.pk}/safe-and-well", sw)
    assert resp.status_code == 302, re.findall(r"error-message.*?</p>", resp.content.decode(), re.S)


def test_close_with_reason_and_repeat_prompt(world, flagged_child):
    for days in (20, 40):
        episode_make(flagged_child, reported_at=timezone.now() - timedelta(days=days), status="closed")
    episode = report(world, flagged_child)
    episode = episode_found(
        episode_id=episode.pk,
        acting_user=world.calltaker,
        found_at=timezone.now(),
        expected_version=episode_version(episode.pk),
    )
    resp = client_as(world.calltaker).post(
        f"/episodes/{episode.pk}/close",
        {"version": episode.version, "reason_no_check": "Child refused to speak to police."},
        follow=True,
    )
    html = resp.content.decode()
    assert "Episode closed" in html
    assert "request a strategy meeting" in html


def test_found_time_before_report_is_a_field_error(world, flagged_child):
    episode = report(world, flagged_child)
    resp = client_as(world.calltaker).post(
        f"/episodes/{episode.pk}/found",
        {
            "version": episode.version,
            "found_at": local(episode.reported_at - timedelta(hours=5)),
            "return_method": "other",
        },
    )
    assert 'href="#id_found_at"' in resp.content.decode()
    episode.refresh_from_db()
    assert episode.status == "reported"


# --- board ------------------------------------------------------------------------------------------------------


def test_board_is_for_supervisors(world):
    assert client_as(world.calltaker).get("/board").status_code == 403
    assert client_as(world.calltaker).get("/board/fragment").status_code == 403
    assert client_as(world.socialworker).get("/board").status_code == 403
    assert client_as(world.supervisor).get("/board").status_code == 200


def test_board_approve_and_reject(world, plain_child):
    episode = report(world, plain_child)
    c = client_as(world.calltaker)
    c.post(
        f"/episodes/{episode.pk}/grade",
        {"version": episode.version, "category": "missing", "risk": "low", "rationale": "On the phone."},
    )
    pending = RiskAssessment.objects.get(approval_status=ApprovalStatus.PENDING)
    s = client_as(world.supervisor)
    board = s.get("/board").content.decode()
    assert "Gradings waiting for approval" in board
    assert "On the phone." in board
    version = decided_episode_version(pending.pk)
    resp = s.post(f"/assessments/{pending.pk}/decide", {"decision": "reject", "note": "", "version": version})
    assert "Say why you are rejecting this grading" in resp.content.decode()
    s.post(f"/assessments/{pending.pk}/decide", {"decision": "approve", "version": version})
    episode.refresh_from_db()
    assert episode.risk == "low"
    other = client_as(user_make(world.other_force, Role.SUPERVISOR))
    assert (
        other.post(f"/assessments/{pending.pk}/decide", {"decision": "approve", "version": 1}).status_code
        == 404
    )


def test_board_shows_overdue_in_words_ukmpu_and_repeat(world, flagged_child):
    now = timezone.now()
    old = episode_make(
        flagged_child,
        reported_at=now - timedelta(hours=80),
        risk="high",
        next_review_at=now - timedelta(hours=1),
    )
    Action.objects.create(episode=old, code="cctv", title="CCTV", due_at=now - timedelta(hours=3))
    episode_make(flagged_child, reported_at=now - timedelta(days=10), status="closed")
    episode_make(flagged_child, reported_at=now - timedelta(days=3), status="closed")
    html = client_as(world.supervisor).get("/board/fragment").content.decode()
    assert 'class="misper-overdue">Overdue</span>' in html
    assert "Overdue: 1 action<" in html
    assert "Over 72 hours: tell UKMPU" in html
    assert "Repeat: 3 in 90 days" in html
    assert "Children who crossed the repeat threshold" in html
    other = client_as(user_make(world.other_force, Role.SUPERVISOR)).get("/board/fragment").content.decode()
    assert flagged_child.full_name not in other


def _history(child, n):
    base = timezone.now() - timedelta(days=200)
    for i in range(n):
        e = episode_make(child, reported_at=base + timedelta(days=i), status="closed")
        Action.objects.create(episode=e, code="cctv", title="CCTV", due_at=base)


def _use_board(user) -> int:
    from misper.episodes.selectors import board

    b = board(user)
    _ = [(r.episode.child.full_name, r.episode.owner, r.recent_episodes) for r in b.rows]
    _ = [(a.episode.child.full_name, a.created_by) for a in b.approvals]
    _ = [c.n_recent for c in b.repeat_children]
    return len(b.rows)


def test_board_query_count_does_not_grow_with_history(world, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    child = child_make(world.force)
    _history(child, 1)
    episode_make(child, risk="high")
    with CaptureQueriesContext(connection) as one:
        assert _use_board(world.supervisor) == 1
    assert len(one.captured_queries) <= 3

    other = child_make(world.force)
    _history(other, 30)
    episode_make(other, risk="high")
    with django_assert_num_queries(len(one.captured_queries)):
        assert _use_board(world.supervisor) == 2


def test_board_page_loads_its_script_and_live_region(world):
    html = client_as(world.supervisor).get("/board").content.decode()
    assert 'src="/static/misper/board.js"' in html
    assert 'aria-live="polite"' in html
    assert 'data-fragment-url="/board/fragment"' in html


# --- briefing ---------------------------------------------------------------------------------------------------


def test_briefing_lists_who_is_missing_on_a_beat(world, flagged_child):
    report(world, flagged_child)
    html = client_as(world.calltaker).get("/briefing", {"beat": "dm01"}).content.decode()
    assert flagged_child.full_name in html
    assert "Call the CSE team on 0000" in html
    assert (
        flagged_child.full_name
        not in client_as(world.calltaker).get("/briefing", {"beat": "ZZ9"}).content.decode()
    )
    assert client_as(world.socialworker).get("/briefing", {"beat": "DM01"}).status_code == 403
    assert (
        flagged_child.full_name
        not in client_as(world.other_force_officer).get("/briefing", {"beat": "DM01"}).content.decode()
    )


def test_home_links_open_episodes(world, flagged_child):
    episode = report(world, flagged_child)
    html = client_as(world.calltaker).get("/").content.decode()
    assert f'href="/episodes/{episode.pk}"' in html


def test_episode_page_says_why_the_engine_recommended_its_grade_to_police_only(world, flagged_child):
    episode = report(world, flagged_child)
    result = RiskAssessment.objects.get(episode=episode).result
    assert result["reasons"], "the flagged child's report should have reasons"
    html = client_as(world.calltaker).get(f"/episodes/{episode.pk}").content.decode()
    assert f"Why the latest recommendation is {result['category']}" in html
    inputs = RiskAssessment.objects.get(episode=episode).inputs
    for reason in result["reasons"]:
        assert escape(reason["text"]) in html
        # The evidence in words (misper.episodes.reasons), never the engine's field paths.
        assert escape(evidence_words(reason["evidence"], inputs)) in html
        assert escape(reason["evidence"]) not in html
    partner = client_as(world.socialworker).get(f"/episodes/{episode.pk}").content.decode()
    assert "Why the latest recommendation" not in partner
    assert escape(result["reasons"][0]["text"]) not in partner
