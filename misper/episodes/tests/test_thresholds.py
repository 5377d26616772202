"""One source for every threshold (issue 16): a force changes its policy and the engine, the board, panels,
closing prompts, sweeps, alerts, the child's page and the dashboard's force definitions all follow.

The force's policy here: repeat is 2 episodes in 30 days, a long duration 12 hours, the UK Missing Persons
Unit point 48 hours (the national policy says 3 in 90, 24 and 72)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from misper.analytics.definitions import force_repeat
from misper.analytics.figures.now import time_bands
from misper.episodes import schedules, services
from misper.episodes.selectors import board
from misper.notifications.models import Alert
from misper.notifications.sweep import alerts_sweep
from misper.partners.panels import panel_list
from tests.factories import child_make, episode_make

pytestmark = pytest.mark.django_db

FORCE_POLICY = """
extends = "national"
name = "shortshire"
version = "2026-test"

[thresholds]
repeat_episodes = 2
repeat_window_days = 30
history_long_duration_hours = 12
long_missing_hours = 48
"""


@pytest.fixture
def force_policy(settings, tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "shortshire.toml"
    path.write_text(FORCE_POLICY, "utf-8")
    settings.MISPER_RISK_POLICY = str(path)
    return path


@pytest.fixture
def twice(world, force_policy):  # type: ignore[no-untyped-def]
    """A child missing twice in 20 days (repeat under the force's policy, not the national one), the second
    time 50 hours ago and still missing."""
    now = timezone.now()
    child = child_make(world.force, given_name="Tess")
    episode_make(child, reported_at=now - timedelta(days=20), status="closed")
    current = episode_make(
        child, reported_at=now - timedelta(hours=50), last_seen_at=now - timedelta(hours=50), risk="high"
    )
    return child, current


def test_the_one_place_reads_the_loaded_policy(force_policy):
    t = schedules.thresholds()
    assert (t.repeat_episodes, t.repeat_window_days, t.long_duration_hours, t.ukmpu_hours) == (2, 30, 12, 48)
    assert t.repeat_words == "2 or more times in 30 days"


def test_board_follows_the_policy(world, twice):
    child, current = twice
    b = board(world.supervisor)
    row = next(r for r in b.rows if r.episode.pk == current.pk)
    assert (row.repeat, row.ukmpu_due) == (True, True)
    assert [c.pk for c in b.repeat_children] == [child.pk]
    c = Client()
    c.force_login(world.supervisor)
    html = c.get("/board/fragment").content.decode()
    assert "Over 48 hours: tell UKMPU" in html
    assert "Repeat: 2 in 30 days" in html
    assert "Missing 2 or more times in 30 days" in html


def test_panels_follow_the_policy(world, twice):
    child, _ = twice
    rows = panel_list(world.supervisor)
    assert [(r.child.pk, r.repeat) for r in rows] == [(child.pk, True)]


def test_closing_prompt_follows_the_policy(world, twice):
    _, current = twice
    prompts = services._closure_prompts(current)
    assert len(prompts) == 1
    assert "missing 2 times in 30 days" in prompts[0]


def test_sweeps_follow_the_policy(world, force_policy):
    now = timezone.now()
    thirteen = episode_make(child_make(world.force), reported_at=now - timedelta(hours=13))
    fifty = episode_make(child_make(world.force), reported_at=now - timedelta(hours=50))
    alerts_sweep(now=now)
    events = set(Alert.objects.values_list("event", "episode_id"))
    assert ("episode.missing_24h", thirteen.pk) in events  # the policy's long duration: 12 hours
    assert ("episode.missing_72h", fifty.pk) in events  # the policy's UKMPU point: 48 hours
    assert ("episode.missing_72h", thirteen.pk) not in events


def test_repeat_alert_follows_the_policy(world, force_policy):
    child = child_make(world.force)
    episode_make(child, reported_at=timezone.now() - timedelta(days=25), status="closed")
    doc = {
        "format": "misper/1",
        "child": {
            "ref": child.ref,
            "given_name": child.given_name,
            "family_name": child.family_name,
            "date_of_birth": child.date_of_birth.isoformat(),
            "vulnerabilities": [],
        },
        "report": {"reported_at": timezone.now().isoformat(), "reported_by": "parent"},
    }
    outcome = services.episode_report(doc=doc, acting_user=world.calltaker)
    assert outcome.assessment.result["repeat"] is True
    assert outcome.assessment.policy_name == "shortshire"
    assert Alert.objects.filter(event="episode.repeat_threshold", episode=outcome.episode).exists()


def test_child_page_follows_the_policy(world, twice):
    child, _ = twice
    c = Client()
    c.force_login(world.calltaker)
    html = c.get(f"/children/{child.pk}").content.decode()
    assert "2 in the last 30 days (a repeat missing child)" in html


def test_dashboard_definitions_follow_the_policy(force_policy):
    repeat = force_repeat()
    assert (repeat.episodes, repeat.days) == (2, 30)
    assert dict(time_bands())["lt24"] == "Under 12 hours"
    assert dict(time_bands())["72to28d"].startswith("48 hours to 28 days")
