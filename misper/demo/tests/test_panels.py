"""The demo's monthly missing panels and CAWNs: deterministic, consistent with the panel list's rule and
the models, and visible on the pages once loaded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.test import Client

from misper.accounts.models import User
from misper.demo import panels
from misper.demo.generator import generate_plan
from misper.demo.loader import load_plan
from misper.partners.models import Meeting, MeetingAction
from misper.partners.panels import panel_list
from misper.people.models import AbductionWarningNotice

NOW = datetime(2026, 3, 1, 18, 30, tzinfo=UTC)
SMALL = 0.03


@pytest.fixture(scope="module")
def plan():  # type: ignore[no-untyped-def]
    return generate_plan(seed=2016, scale=0.3, now=NOW)


def test_panels_are_deterministic_and_one_a_month_on_the_second_tuesday(plan) -> None:  # type: ignore[no-untyped-def]
    again = generate_plan(seed=2016, scale=0.3, now=NOW)
    assert again.meetings == plan.meetings
    assert generate_plan(seed=2017, scale=0.3, now=NOW).meetings != plan.meetings
    days = [m.held_on for m in plan.meetings]
    assert len(days) >= 10
    assert len({(d.year, d.month) for d in days}) == len(days)
    assert all(d.weekday() == 1 and 8 <= d.day <= 14 and d <= NOW.date() for d in days)


def test_each_child_discussed_was_on_that_days_panel_list(plan) -> None:  # type: ignore[no-untyped-def]
    """The rule of misper.partners.panels: missing in the last 30 days, and graded high then or missing
    3+ times in 90 days. No adults; high risk and repeat runners both discussed."""
    by_child: dict[int, list] = {}
    for e in plan.episodes:
        by_child.setdefault(e.child, []).append(e)
    kinds = set()
    for meeting in plan.meetings:
        at = datetime(meeting.held_on.year, meeting.held_on.month, meeting.held_on.day, 10, tzinfo=UTC)
        assert 1 <= len(meeting.children) <= panels.PER_PANEL
        for key in meeting.children:
            assert not plan.children[key].is_adult
            eps = [e for e in by_child[key] if e.reported_at < at]
            recent = [e for e in eps if e.reported_at >= at - timedelta(days=30)]
            in_90 = [e for e in eps if e.reported_at >= at - timedelta(days=90)]
            high = any(e.risk == "high" for e in recent)
            assert recent
            assert high or len(in_90) >= 3
            kinds.add("high" if high else "repeat")
    assert kinds == {"high", "repeat"}


def test_everyone_the_candidate_rule_returns_qualifies(plan) -> None:  # type: ignore[no-untyped-def]
    """Not only the chosen few: the rule itself leaves out children who do not qualify."""
    by_child: dict[int, list] = {}
    for e in sorted(plan.episodes, key=lambda e: e.reported_at):
        by_child.setdefault(e.child, []).append(e)
    gen = SimpleNamespace(child_episodes=lambda k: by_child.get(k, []))
    reported = {k: [e.reported_at for e in eps] for k, eps in by_child.items()}
    day = plan.meetings[-1].held_on
    candidates = panels._candidates(gen, day, reported)  # type: ignore[arg-type]
    at = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
    with_recent = {
        k for k, times in reported.items() if any(at - timedelta(days=30) <= t < at for t in times)
    }
    assert 0 < len(candidates) < len(with_recent)
    for key, in_90, high in candidates:
        recent = [e for e in by_child[key] if at - timedelta(days=30) <= e.reported_at < at]
        assert recent
        assert high or in_90 >= 3


def test_actions_are_owned_by_real_agencies_and_dated_sensibly(plan) -> None:  # type: ignore[no-untyped-def]
    codes = {a.code for a in plan.agencies}
    actions = [(m, a) for m in plan.meetings for a in m.actions]
    assert actions
    for meeting, action in actions:
        assert len(meeting.actions) <= panels.MAX_ACTIONS
        assert action.owner_agency in codes
        assert action.due_on >= meeting.held_on
        assert action.completed_on is None or meeting.held_on <= action.completed_on < NOW.date()
    assert any(a.completed_on for _, a in actions)
    assert any(a.completed_on is None for _, a in actions)
    assert all({"name", "agency"} == set(p) for m in plan.meetings for p in m.attendees)


def test_cawns_link_a_handful_of_adults_to_several_children_with_page_shaped_breaches(plan) -> None:  # type: ignore[no-untyped-def]
    adults = {c.associate for c in plan.cawns}
    assert 1 <= len(adults) < len(plan.cawns)  # some adult has a notice for more than one child
    for cawn in plan.cawns:
        for breach in cawn.breaches:
            assert {"on", "note", "follow_up"} <= set(breach)  # as misper.partners.cawns records them


@pytest.mark.django_db
def test_loaded_panels_show_on_the_pages_and_match_the_panel_selector() -> None:
    plan = generate_plan(seed=3, scale=SMALL, now=NOW)
    load_plan(plan)
    counts = plan.counts()
    assert counts["meetings"] > 0
    assert Meeting.objects.count() == counts["meetings"]
    assert Meeting.children.through.objects.count() == counts["meeting_children"]
    assert MeetingAction.objects.count() == counts["meeting_actions"]
    assert AbductionWarningNotice.objects.count() == counts["abduction_warning_notices"]
    assert not AbductionWarningNotice.objects.filter(issued_by__isnull=True).exists()

    coordinator = User.objects.get(username="demo-coordinator")
    latest = Meeting.objects.order_by("-held_on").first()
    assert latest is not None
    at = datetime(latest.held_on.year, latest.held_on.month, latest.held_on.day, 10, tzinfo=UTC)
    listed = {row.child.pk for row in panel_list(coordinator, now=at)}
    assert set(latest.children.values_list("pk", flat=True)) <= listed

    client = Client()
    client.force_login(coordinator)
    assert f"/panels/meetings/{latest.pk}" in client.get("/panels").content.decode()
    page = client.get(f"/panels/meetings/{latest.pk}").content.decode()
    assert latest.actions.first().text.replace("'", "&#x27;") in page  # type: ignore[union-attr]
    cawn = AbductionWarningNotice.objects.first()
    assert cawn is not None
    assert client.get(f"/children/{cawn.child_id}/cawns").status_code == 200
