"""A handover gives the episode to an officer of the force holding the record. A host force (the child
placed on its patch) sees the episode, but handing it to one of its own officers would take the owning
force's case from it (attack of the security review)."""

from __future__ import annotations

import pytest

from misper.accounts.models import Role
from misper.accounts.tests.sentinel_world import sentinel_world_build
from misper.episodes.models import Action, Episode
from tests.factories import episode_version, user_make

pytestmark = pytest.mark.django_db


def test_a_host_force_cannot_hand_the_owning_forces_episode_to_its_own_officer(api_as):  # type: ignore[no-untyped-def]
    world = sentinel_world_build()
    host_force = world.extra["agencies"]["host_force"]
    host = user_make(host_force, Role.SUPERVISOR, username="snt-host-sup")
    taker = user_make(host_force, Role.INVESTIGATING_OFFICER, username="snt-host-taker")
    episode = world.open_episode
    owner_before = Episode.objects.get(pk=episode.pk).owner_id
    body = {"new_owner": taker.username, "note": "Ours now.", "version": episode_version(episode.pk)}

    resp = api_as(host).post_json(f"/api/v1/episodes/{episode.pk}/handover", body)

    assert resp.status_code in (403, 404, 422), resp.content
    assert Episode.objects.get(pk=episode.pk).owner_id == owner_before
    assert not Action.objects.filter(episode=episode, code="handover").exists()
