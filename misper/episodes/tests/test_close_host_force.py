"""A host force (the child placed on its patch) may record that the child was found there, but closing
the case is the owning force's decision: the host force closed another force's episode, with a reason of
its own for skipping the safe and well check (attack of the security review)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from misper.accounts.models import Role
from misper.accounts.tests.sentinel_world import sentinel_world_build
from misper.episodes.models import Episode
from tests.factories import episode_version, user_make

pytestmark = pytest.mark.django_db


def test_a_host_force_cannot_close_the_owning_forces_episode(api_as):  # type: ignore[no-untyped-def]
    world = sentinel_world_build()
    host = api_as(user_make(world.extra["agencies"]["host_force"], Role.SUPERVISOR, username="snt-host-sup"))
    episode = world.open_episode
    found = {"found_at": timezone.now().isoformat(), "version": episode_version(episode.pk)}
    assert host.post_json(f"/api/v1/episodes/{episode.pk}/found", found).status_code == 200
    close = {"reason_no_check": "Not needed.", "version": episode_version(episode.pk)}

    resp = host.post_json(f"/api/v1/episodes/{episode.pk}/close", close)

    assert resp.status_code == 403, resp.content
    assert Episode.objects.get(pk=episode.pk).status == "found"
