"""Change history: who, when, before and after for every change, bulk updates included."""

from __future__ import annotations

import pytest
from django.utils import timezone

from misper.audit.history import history_bulk_update, history_save
from misper.audit.models import ChangeRecord
from misper.episodes.models import Episode
from misper.episodes.tests.test_lifecycle_api import report_doc
from tests.factories import child_make, episode_make, episode_version

pytestmark = pytest.mark.django_db


def test_a_found_episode_keeps_who_changed_what(world, api_as):
    client = api_as(world.calltaker)
    episode_id = client.post_json("/api/v1/episodes", report_doc()).json()["id"]
    resp = client.post_json(
        f"/api/v1/episodes/{episode_id}/found",
        {"version": episode_version(episode_id), "found_at": timezone.now().isoformat()},
    )
    assert resp.status_code == 200
    record = ChangeRecord.objects.get(record_type="episode", record_id=str(episode_id))
    assert record.username == "calltaker"
    assert record.user == world.calltaker
    assert record.changes["status"][1] == "found"
    assert record.changes["version"] == [1, 2]


def test_an_unchanged_save_records_nothing(world):
    child = child_make(world.force)
    episode = episode_make(child)
    history_save(episode, user=world.calltaker)
    assert not ChangeRecord.objects.exists()


def test_bulk_updates_record_every_row(world):
    child = child_make(world.force)
    episodes = [episode_make(child, beat="OLD") for _ in range(3)]
    changed = history_bulk_update(
        Episode.objects.filter(pk__in=[e.pk for e in episodes]), user=world.supervisor, beat="NEW"
    )
    assert changed == 3
    records = ChangeRecord.objects.filter(action="bulk_change")
    assert sorted(int(r.record_id) for r in records) == sorted(e.pk for e in episodes)
    assert all(r.changes == {"beat": ["OLD", "NEW"]} and r.username == "supervisor" for r in records)
