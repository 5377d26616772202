"""Found but not closed on the board: only visible episodes, the safe-and-well check overdue a day after
the return, the return interview's own due time; the board shows owners and flags unowned high risk."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from misper.episodes.models import SafeAndWellCheck
from misper.episodes.returned import found_not_closed
from tests.factories import child_make, episode_make

pytestmark = pytest.mark.django_db


def _found(child, hours_ago: float):  # type: ignore[no-untyped-def]
    now = timezone.now()
    return episode_make(
        child,
        reported_at=now - timedelta(hours=hours_ago + 5),
        status="found",
        found_at=now - timedelta(hours=hours_ago),
    )


def test_found_not_closed_shows_only_visible_episodes_with_their_deadlines(world):
    late = _found(child_make(world.force), hours_ago=30)
    checked = _found(child_make(world.force), hours_ago=30)
    SafeAndWellCheck.objects.create(episode=checked, conducted_at=timezone.now())
    fresh = _found(child_make(world.force), hours_ago=2)
    _found(child_make(world.other_force), hours_ago=30)
    episode_make(child_make(world.force), status="closed", found_at=timezone.now())
    rows = {r.episode.pk: r for r in found_not_closed(world.supervisor, timezone.now())}
    assert set(rows) == {late.pk, checked.pk, fresh.pk}
    assert rows[late.pk].safe_and_well_overdue
    assert not rows[checked.pk].safe_and_well_overdue
    assert rows[checked.pk].safe_and_well_done
    assert not rows[fresh.pk].safe_and_well_overdue
    assert next(iter(rows)) == late.pk  # overdue first
    assert found_not_closed(world.other_socialworker, timezone.now()) == []


def test_the_board_flags_a_high_risk_episode_nobody_owns(world):
    unowned = episode_make(child_make(world.force, given_name="Ruby", family_name="Fenwick"), risk="high")
    owned = episode_make(child_make(world.force), risk="high", owner=world.supervisor)
    client = Client()
    client.force_login(world.supervisor)
    page = client.get("/board/fragment").content.decode()
    row = page.split(f'data-episode-id="{unowned.pk}"')[1].split("</tr>")[0]
    assert "High risk, no owner" in row
    other = page.split(f'data-episode-id="{owned.pk}"')[1].split("</tr>")[0]
    assert "High risk, no owner" not in other
    assert f"Owner: {world.supervisor.get_full_name()}" in other
    assert "Found, not yet closed (0)" in page
