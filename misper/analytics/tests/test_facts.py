"""The dashboard's fact table: filled idempotently, incrementally, by the command and the worker; read
with the one access rule; and the page says when the figures were calculated."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.utils import timezone

from misper.analytics.facts import facts_as_of, facts_refresh, facts_refresh_due
from misper.analytics.figures import REGISTRY, Context
from misper.analytics.figures.base import visible_facts
from misper.analytics.filters import default_filters
from misper.analytics.models import EpisodeFact
from misper.analytics.views import FIGURES_NOT_CALCULATED
from misper.episodes.models import Episode
from misper.episodes.selectors import visible_episodes
from misper.notifications.worker import worker_run
from misper.partners.models import PlacementNotice
from tests.factories import child_make, episode_make

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def facts_as_stored(settings):  # type: ignore[no-untyped-def]
    """These tests refresh by hand: the figures read the table as it is."""
    settings.MISPER_ANALYTICS_REFRESH_ON_READ = False


def _episodes_count(user, now) -> int:  # type: ignore[no-untyped-def]
    ctx = Context(user=user, filters=default_filters(now.date()), now=now)
    return REGISTRY["volume_summary"](ctx).rows[0][-1]


def test_a_full_refresh_is_idempotent(world, dataset) -> None:
    assert facts_refresh() == Episode.objects.count() == 10
    first = list(EpisodeFact.objects.order_by("pk").values())
    facts_refresh()
    assert list(EpisodeFact.objects.order_by("pk").values()) == first


def test_figures_read_the_facts_as_of_the_last_refresh(world, dataset) -> None:
    facts_refresh()
    assert _episodes_count(world.analyst, dataset.now) == 8
    episode_make(dataset.ben, dataset.now - timedelta(days=2))
    assert _episodes_count(world.analyst, dataset.now) == 8  # not yet refreshed
    facts_refresh(since=dataset.now - timedelta(minutes=1))
    assert _episodes_count(world.analyst, dataset.now) == 9


def test_an_incremental_refresh_rewrites_only_the_changed_people(world, dataset) -> None:
    facts_refresh()
    since = timezone.now()
    e = dataset.amy_episodes[0]
    Episode.objects.filter(pk=e.pk).update(risk="high", updated_at=timezone.now())
    # Amy's three episodes (her later episodes' repeat windows depend on the earlier ones), no one else's.
    assert facts_refresh(since=since) == 3
    assert EpisodeFact.objects.get(pk=e.pk).risk == "high"


def test_a_change_to_the_child_reaches_the_facts(world, dataset) -> None:
    facts_refresh()
    since = timezone.now()
    dataset.cal.sex = "male"
    dataset.cal.save()
    facts_refresh(since=since)
    assert set(EpisodeFact.objects.filter(child=dataset.cal).values_list("sex", flat=True)) == {"male"}


def test_visible_facts_are_exactly_the_visible_episodes(world, dataset) -> None:
    """The one access rule, for every role of the test world, including a hosted child."""
    hosted = child_make(world.other_force, given_name="Hal")
    episode_make(hosted, dataset.now - timedelta(days=1))
    PlacementNotice.objects.create(
        child=hosted,
        placing_authority=world.other_la,
        host_force=world.force,
        placement_type="foster",
        starts_on=dataset.now.date() - timedelta(days=30),
    )
    facts_refresh()
    users = [world.analyst, world.socialworker, world.other_force_officer, world.other_socialworker]
    for user in users:
        facts = set(visible_facts(user).values_list("pk", flat=True))
        assert facts == set(visible_episodes(user).values_list("pk", flat=True)), user.username
    assert EpisodeFact.objects.filter(child=hosted).get().pk in visible_facts(world.analyst).values_list(
        "pk", flat=True
    )


def test_the_command_refreshes_and_rejects_a_bad_since(world, dataset, capsys) -> None:
    call_command("analytics", "refresh")
    assert "Dashboard facts refreshed: 10 episodes" in capsys.readouterr().out
    call_command("analytics", "refresh", "--since", "2026-01-01T09:00")
    with pytest.raises(CommandError, match="--since must be a date and time"):
        call_command("analytics", "refresh", "--since", "yesterday")


def test_the_worker_loop_keeps_the_facts_current(world, dataset, monkeypatch) -> None:
    # The loop closes stale connections between steps; inside a test's transaction that must not happen.
    monkeypatch.setattr("misper.notifications.worker.close_old_connections", lambda: None)
    assert facts_as_of() is None
    worker_run(once=True)
    assert EpisodeFact.objects.count() == 10
    assert facts_as_of() is not None
    assert facts_refresh_due(margin=timedelta(0)) == 0  # incremental: nothing changed since
    assert facts_refresh_due(full_every=timedelta(0)) == 10  # the daily full refresh


def test_the_page_says_when_the_figures_were_calculated(world, dataset) -> None:
    client = Client()
    client.force_login(world.analyst)
    assert FIGURES_NOT_CALCULATED in client.get("/dashboard").content.decode()
    facts_refresh(now=timezone.now())
    page = client.get("/dashboard").content.decode()
    assert "Figures as of " in page
    assert "Figures about who is missing now are live." in page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="xmin (the row version) is PostgreSQL's")
def test_a_refresh_rewrites_only_facts_that_changed(world, dataset) -> None:
    """On PostgreSQL an unchanged fact keeps its row version, so a full refresh does not double the
    table; a changed one is rewritten."""
    facts_refresh()

    def versions() -> dict[int, str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT episode_id, xmin::text FROM analytics_episodefact")
            return dict(cursor.fetchall())

    before = versions()
    changed = dataset.amy_episodes[0]
    Episode.objects.filter(pk=changed.pk).update(risk="high")
    facts_refresh()
    after = versions()
    assert after[changed.pk] != before[changed.pk]
    assert {k: v for k, v in after.items() if k != changed.pk} == {
        k: v for k, v in before.items() if k != changed.pk
    }
