"""A host force (the child placed on its patch) sees the owning force's episode, but the supervisor's review
and the episode's risk answers are the owning force's record: a host force's review would move the case on
and set its next review, and its answers could turn the owning force's "yes" into "no" (attack of the
security review)."""

from __future__ import annotations

import pytest

from misper.accounts.models import Role
from misper.accounts.tests.sentinel_world import sentinel_world_build
from misper.episodes.models import Episode, Review
from tests.factories import episode_version, user_make

pytestmark = pytest.mark.django_db


def test_a_host_force_supervisor_cannot_review_the_owning_forces_episode(api_as):  # type: ignore[no-untyped-def]
    world = sentinel_world_build()
    host = user_make(world.extra["agencies"]["host_force"], Role.SUPERVISOR, username="snt-host-reviewer")
    episode = world.open_episode
    before = Episode.objects.get(pk=episode.pk)
    body = {"notes": "Reviewed by the host force.", "version": episode_version(episode.pk)}

    resp = api_as(host).post_json(f"/api/v1/episodes/{episode.pk}/reviews", body)

    assert resp.status_code == 403, resp.content
    after = Episode.objects.get(pk=episode.pk)
    assert (after.status, after.next_review_at, after.version) == (
        before.status,
        before.next_review_at,
        before.version,
    )
    assert not Review.objects.filter(episode=episode, reviewer=host).exists()


def test_a_host_force_officer_cannot_change_the_owning_forces_risk_answers(api_as):  # type: ignore[no-untyped-def]
    world = sentinel_world_build()
    host = user_make(
        world.extra["agencies"]["host_force"], Role.INVESTIGATING_OFFICER, username="snt-host-answerer"
    )
    episode = world.open_episode
    before = Episode.objects.get(pk=episode.pk)
    flipped = dict.fromkeys(before.indicators, "no") or {"suicidal_ideation": "yes"}
    body = {"answers": flipped, "version": episode_version(episode.pk)}

    resp = api_as(host).post_json(f"/api/v1/episodes/{episode.pk}/answers", body)

    assert resp.status_code == 403, resp.content
    after = Episode.objects.get(pk=episode.pk)
    assert (after.indicators, after.indicators_not_known, after.version) == (
        before.indicators,
        before.indicators_not_known,
        before.version,
    )


def test_the_owning_force_still_reviews_its_own_episode(api_as):  # type: ignore[no-untyped-def]
    world = sentinel_world_build()
    episode = world.open_episode
    owner_sup = user_make(episode.force, Role.SUPERVISOR, username="snt-own-reviewer")
    body = {"notes": "Reviewed by the owning force.", "version": episode_version(episode.pk)}

    resp = api_as(owner_sup).post_json(f"/api/v1/episodes/{episode.pk}/reviews", body)

    assert resp.status_code == 201, resp.content


def test_the_host_forces_episode_page_offers_only_what_it_may_do(client):  # type: ignore[no-untyped-def]
    world = sentinel_world_build()
    host = user_make(world.extra["agencies"]["host_force"], Role.SUPERVISOR, username="snt-host-page")
    episode = world.open_episode
    client.force_login(host)

    page = client.get(f"/episodes/{episode.pk}").content.decode()

    assert "Record found" in page  # the host force may still record that the child was found
    assert f"/episodes/{episode.pk}/handover" not in page
    assert f"/episodes/{episode.pk}/review" not in page
