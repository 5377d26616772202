"""Two people acting on one episode at the same moment never both succeed."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from misper.audit.models import AccessEvent
from misper.core.errors import ConflictError
from misper.episodes import services
from misper.episodes.models import StatusChange
from tests.factories import child_make, episode_make


@pytest.mark.django_db(transaction=True)
def test_concurrent_found_requests_make_exactly_one_transition(world):
    if connection.vendor == "sqlite":
        pytest.skip("Needs a server database: SQLite's in-memory test database cannot be shared by threads")
    episode = episode_make(child_make(world.force))
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def found() -> None:
        barrier.wait()
        try:
            services.episode_found(
                episode_id=episode.pk,
                acting_user=world.calltaker,
                found_at=timezone.now(),
                expected_version=episode.version,
            )
            outcomes.append("ok")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=found) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "ok"]
    assert StatusChange.objects.filter(episode=episode, to_status="found").count() == 1
    assert AccessEvent.objects.filter(action="change", record_type="episode").count() == 1
